package dev.rds2bq.plan;

import dev.rds2bq.contract.RunPlan;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig.RunConfig;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.RunPlan.TablePlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The payload sizes behind planning.maxPlanKiB (docs/data-contract.md): a run of as many tables as
 * PlanRun allows ({@link ExecutionLimits#MAX_TABLES}), ten ranges each, does not fit Step Functions'
 * 256 KiB inline, and its slim form (counts and range ids, no bounds) does.
 */
class PlanPayloadTest {
  static final int LIMIT = 256 * 1024;

  @Test
  void theMostTablesARunMayHaveGoToS3AndTheirSlimFormFits() throws Exception {
    List<TablePlan> full = new ArrayList<>();
    List<TablePlan> slim = new ArrayList<>();
    int tables = ExecutionLimits.MAX_TABLES;
    for (int t = 0; t < tables; t++) {
      List<KeyRange> ranges = new ArrayList<>();
      for (int r = 0; r < 10; r++) {
        ranges.add(new KeyRange(r, null, r == 0 ? null : Long.toString(123_456_789L * r),
            r == 9 ? null : Long.toString(123_456_789L * (r + 1))));
      }
      String table = String.format("customer_events_%03d", t);
      full.add(new TablePlan("production_app", table, "1", 24_000_000, "10 ranges of about 2000000 rows by estimated"
          + " boundaries of id", 10, ranges, null));
      slim.add(new TablePlan("production_app", table, "1", 24_000_000, "10 ranges of about 2000000 rows by estimated"
          + " boundaries of id", 10, null, ranges.stream().map(KeyRange::id).toList()));
    }
    ObjectMapper json = new ObjectMapper();
    int inline = json.writeValueAsBytes(new RunPlan("20261126T180000Z-1a2b", "2026-11-27", true, false, tables, tables * 10, null,
        RunConfig.defaults(), full)).length;
    int reference = json.writeValueAsBytes(new RunPlan("20261126T180000Z-1a2b", "2026-11-27", true, false, tables, tables * 10,
        "exports/_plans/dt=2026-11-27/run=20261126T180000Z-1a2b/plan.json", RunConfig.defaults(), slim)).length;
    System.out.printf("plan of %d tables and %,d ranges: %,d bytes inline, %,d bytes with the ranges in S3%n",
        tables, tables * 10, inline, reference);
    assertTrue(inline > 200 * 1024, "inline " + inline + " bytes: the default maxPlanKiB sends it to S3");
    assertTrue(reference < LIMIT / 2, "the slim plan (" + reference + " bytes) fits with room to spare");
  }
}
