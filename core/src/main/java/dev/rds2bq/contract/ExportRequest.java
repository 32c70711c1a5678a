package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rds2bq.error.InvalidInputException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * The ExportTable input (events/ExportTable/): one table, or one key range of it, for one attempt at a
 * run. {@code hashKeyVersion} is the hash key's secret version that PlanRun pinned for the run (null:
 * the current one, for a run planned where the secret store keeps no versions).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportRequest(String source, String runId, String attempt, String runDate, String database,
    String table, KeyRange range, String hashKeyVersion, CursorWindow window) implements RunTable {
  /** A request for every row of the table or range (no cursor window). */
  public ExportRequest(String source, String runId, String attempt, String runDate, String database, String table,
      KeyRange range, String hashKeyVersion) {
    this(source, runId, attempt, runDate, database, table, range, hashKeyVersion, null);
  }

  /** A request without a pinned hash key version. */
  public ExportRequest(String source, String runId, String attempt, String runDate, String database, String table,
      KeyRange range) {
    this(source, runId, attempt, runDate, database, table, range, null);
  }

  /** A table of the config's single {@code source}. */
  public ExportRequest(String runId, String attempt, String runDate, String database, String table, KeyRange range) {
    this(null, runId, attempt, runDate, database, table, range);
  }

  private static final String RUN_ID = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";

  /** Checks the shape of every field; whether the table exists is the engine's check. */
  public LocalDate validate() {
    if (runId == null || !runId.matches(RUN_ID)) {
      throw new InvalidInputException("runId must be 1-128 letters, digits, '_', '.' or '-' (it names S3 keys); got "
          + (runId == null ? "nothing" : "'" + runId + "'"));
    }
    if (!BucketLayout.isAttempt(attempt)) {
      throw new InvalidInputException("attempt must be a number from 1, as PlanRun gives each table (it names the"
          + " attempt's folder, which is written by one execution only); got "
          + (attempt == null ? "nothing" : "'" + attempt + "'"));
    }
    if (source != null && !source.matches(dev.rds2bq.config.PipelineConfig.SOURCE_NAME_PATTERN)) {
      throw new InvalidInputException("source must be a source name of the config (lower-case letters and digits);"
          + " got '" + source + "'");
    }
    if (database == null || database.isBlank()) {
      throw new InvalidInputException("database is required");
    }
    if (table == null || table.isBlank()) {
      throw new InvalidInputException("table is required");
    }
    if (window != null) {
      window.validate();
    }
    if (range != null && range.id() < 0) {
      throw new InvalidInputException("range needs 'id' (0 or more), with optional 'column', 'lo' and 'hi'");
    }
    try {
      return LocalDate.parse(runDate == null ? "" : runDate);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("runDate must be YYYY-MM-DD; got "
          + (runDate == null ? "nothing" : "'" + runDate + "'"));
    }
  }

  /** The label in file names: the range id, or {@code full} for the whole table. */
  public String partLabel() {
    return range == null ? "full" : range.label();
  }
}
