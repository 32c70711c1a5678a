package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rds2bq.config.PipelineConfig.RunConfig;
import java.util.List;

/**
 * The PlanRun output: the run's identity, the settings the state machine reads (concurrency, waits),
 * and its work, one entry per table with its key ranges (none for a table exported in one piece).
 * When the plan would not fit a Step Functions payload, the ranges stay in the S3 object
 * {@code planKey} and the tables here carry only their range counts and {@code rangeIds}.
 * {@code planKey} is always written, {@code null} for an inline plan, so that the state machine can
 * pass it on without testing for it. {@code replaceNewer} (the input's, default false) lets publish
 * and load move a table back to this run's date when it already holds a later one. Each table
 * carries the {@code attempt} its exports and publish write under. {@code hashKeyVersion} is the
 * version of the hash key's secret that every export of the run reads (null: no table hashes, or a
 * secret store without versions), always written so the state machine can pass it on.
 * {@code boundsKey}, only in a plan kept in S3, is the KMS-encrypted data key that sealed the bounds
 * of tables whose primary-key column is masked ({@link BoundSeal}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunPlan(String runId, String runDate, boolean load, boolean replaceNewer, int tableCount, int rangeCount,
    @JsonInclude(JsonInclude.Include.ALWAYS) String planKey, RunConfig settings, List<TablePlan> tables,
    @JsonInclude(JsonInclude.Include.ALWAYS) String hashKeyVersion, String boundsKey) {
  /** A plan that pins no hash key version. */
  public RunPlan(String runId, String runDate, boolean load, boolean replaceNewer, int tableCount, int rangeCount,
      String planKey, RunConfig settings, List<TablePlan> tables) {
    this(runId, runDate, load, replaceNewer, tableCount, rangeCount, planKey, settings, tables, null, null);
  }

  /**
   * @param ranges the key ranges, {@code []} for a table exported in one piece; absent in a plan kept in S3
   * @param rangeIds only in a plan kept in S3, for a table with ranges: their ids, which ExportTable
   *     takes with the {@code planKey} instead of the range itself
   * @param source the source's name under {@code sources}; null (and written as null, so the state
   *     machine can always pass it on) for a config with a single {@code source}
   * @param window an incremental table's cursor window, {@code {column, after?}} ({@code after} absent
   *     for a full snapshot); null (and written as null, so the state machine can always pass it on)
   *     for a snapshot table
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TablePlan(@JsonInclude(JsonInclude.Include.ALWAYS) String source, String database, String table,
      String attempt, long estimatedRows, String note, int expectedRanges, List<KeyRange> ranges,
      List<Integer> rangeIds, @JsonInclude(JsonInclude.Include.ALWAYS) CursorWindow window) {
    /** A snapshot table (no cursor window). */
    public TablePlan(String source, String database, String table, String attempt, long estimatedRows, String note,
        int expectedRanges, List<KeyRange> ranges, List<Integer> rangeIds) {
      this(source, database, table, attempt, estimatedRows, note, expectedRanges, ranges, rangeIds, null);
    }

    /** A table of the config's single {@code source}. */
    public TablePlan(String database, String table, String attempt, long estimatedRows, String note,
        int expectedRanges, List<KeyRange> ranges, List<Integer> rangeIds) {
      this(null, database, table, attempt, estimatedRows, note, expectedRanges, ranges, rangeIds);
    }
  }
}
