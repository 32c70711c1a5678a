package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The PublishTable input: one table of one run and the results of its exports, one per range, each
 * either the slim form ExportTable returns (its full result read from S3) or a full result.
 * {@code expectedRanges}, when given, is how many ranges the plan made; fewer results is an error.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PublishRequest(String source, String runId, String attempt, String runDate, String database,
    String table, Integer expectedRanges, List<? extends AnyExportResult> exports, Boolean replaceNewer)
    implements RunTable {
  /** A table of the config's single {@code source}. */
  public PublishRequest(String runId, String attempt, String runDate, String database, String table,
      Integer expectedRanges, List<? extends AnyExportResult> exports) {
    this(null, runId, attempt, runDate, database, table, expectedRanges, exports, null);
  }

  public PublishRequest(String source, String runId, String attempt, String runDate, String database, String table,
      Integer expectedRanges, List<? extends AnyExportResult> exports) {
    this(source, runId, attempt, runDate, database, table, expectedRanges, exports, null);
  }

  /** True when the input asked to move {@code _latest.json} back to an older run date. */
  public boolean replacesNewer() {
    return Boolean.TRUE.equals(replaceNewer);
  }
}
