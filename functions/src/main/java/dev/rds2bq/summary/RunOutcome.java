package dev.rds2bq.summary;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The SummarizeRun input: the state machine's state after the exports and the loads. Fields it does
 * not use (the plan's settings, counts, planKey) are ignored, so the state can be passed whole.
 *
 * @param load the plan's {@code load}; false when the run was asked not to load
 * @param tables one outcome per table, in plan order
 * @param loads the last StartLoads or CheckLoads output; absent when loads were skipped or failed to start
 * @param loadError what StartLoads or CheckLoads failed with, when one of them did
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunOutcome(String runId, String runDate, Boolean load, List<TableOutcome> tables, Loads loads,
    ErrorInfo loadError) {

  /** A table after export and publish: {@code PUBLISHED} with the publish result, or {@code FAILED} with the error. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TableOutcome(String source, String database, String table, String status, Published publish,
      ErrorInfo error) {
    /** A table of the config's single {@code source}. */
    public TableOutcome(String database, String table, String status, Published publish, ErrorInfo error) {
      this(null, database, table, status, publish, error);
    }

    /** {@code database.table}, or {@code source.database.table} for a named source. */
    public String name() {
      return (source == null ? "" : source + ".") + database + "." + table;
    }
  }

  /** The parts of the PublishTable output the summary shows. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Published(String manifestKey, int files, long rows, long bytes, Integer rangesReused,
      Integer sourceWaits) {
    public Published(String manifestKey, int files, long rows, long bytes) {
      this(manifestKey, files, rows, bytes, null, null);
    }
  }

  /** What a Catch records: the error name and its cause, which for a Lambda error is the function's error JSON. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorInfo(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {}

  /** StartLoads and CheckLoads output. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Loads(String runId, String runDate, String startedAt, Boolean done, List<Load> loads) {}

  /**
   * One table's load: {@code state} is PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED or SUPERSEDED;
   * {@code merge} what merging a change set (or leaving soft-deleted rows out) did.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Load(String source, String database, String table, String destination, String transferConfig,
      String runName, String state, List<String> errors, String merge) {
    public Load(String source, String database, String table, String destination, String transferConfig,
        String runName, String state, List<String> errors) {
      this(source, database, table, destination, transferConfig, runName, state, errors, null);
    }

    /** A load of a table of the config's single {@code source}. */
    public Load(String database, String table, String destination, String transferConfig, String runName,
        String state, List<String> errors) {
      this(null, database, table, destination, transferConfig, runName, state, errors);
    }

    public String name() {
      return (source == null ? "" : source + ".") + database + "." + table;
    }
  }
}
