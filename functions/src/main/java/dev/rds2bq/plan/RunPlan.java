package dev.rds2bq.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rds2bq.export.KeyRange;
import java.util.List;

/**
 * The PlanRun output: the run's identity and its work, one entry per table with its key ranges (none
 * for a table exported in one piece). When the plan would not fit a Step Functions payload, the
 * ranges stay in the S3 object {@code planKey} and the tables here carry only their range counts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunPlan(String runId, String runDate, boolean load, int tableCount, int rangeCount, String planKey,
    List<TablePlan> tables) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TablePlan(String database, String table, long estimatedRows, String note, int expectedRanges,
      List<KeyRange> ranges) {}
}
