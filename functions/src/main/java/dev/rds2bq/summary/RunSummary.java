package dev.rds2bq.summary;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The SummarizeRun output, which is also the execution's output: the run's status, the tables that
 * failed, a one-line cause naming each of them (the Fail state's cause), a line per table, and for a
 * failed run the execution input that runs its failed tables again under the same run id
 * ({@code rerun}: the finished ranges of an unpublished attempt are taken over, docs/state-machine.md#resume).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(String runId, String runDate, String status, List<String> failedTables, String cause,
    List<TableLine> tables, Rerun rerun) {
  /** An execution input, as PlanRun takes it, that runs the failed tables again; {@code load} only when false. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rerun(String runId, String runDate, List<String> tables, Boolean load) {}

  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";

  /**
   * @param exported true when every range was exported and the table published
   * @param rows rows published; null when the table failed
   * @param files data files published; null when the table failed
   * @param load the load's state, {@code SKIPPED} for a run without loads, {@code NOT_STARTED} for a
   *     published table that no load was started for; null for a table that was not published
   * @param error why the table failed, on one line; absent when it did not
   * @param rangesReused ranges taken over from an earlier execution of the attempt; absent when none
   * @param sourceWaits times an export was put off for replica lag; absent when none
   * @param note why a published table's load was skipped ({@code load: SUPERSEDED}), or what its merge did (an
   *     incremental table); absent otherwise
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TableLine(
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      String source, String database, String table, boolean exported, Long rows, Integer files,
      String load, String error, Integer rangesReused, Integer sourceWaits, String note) {}
}
