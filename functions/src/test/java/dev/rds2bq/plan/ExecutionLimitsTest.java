package dev.rds2bq.plan;

import dev.rds2bq.contract.RunPlan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig.RunConfig;
import dev.rds2bq.error.ConfigException;
import org.junit.jupiter.api.Test;

/** Plans that Step Functions could not run to the end are refused before any export. */
class ExecutionLimitsTest {
  private static final RunConfig DEFAULTS = RunConfig.defaults();

  @Test
  void aTypicalRunFits() {
    // 300 tables, 2,000 ranges, default polling (every 60 s for up to 180 min).
    assertEquals(15 * 300 + 7 * 2000 + 9 * 181, ExecutionLimits.events(300, 2000, true, DEFAULTS));
    ExecutionLimits.checkHistory(300, 2000, true, DEFAULTS);
    ExecutionLimits.checkTables(400, false);
    ExecutionLimits.checkTables(250, true);
  }

  @Test
  void tooManyRangesOrPollsAreRefusedNamingTheKnobs() {
    ConfigException ranges = assertThrows(ConfigException.class, () -> ExecutionLimits.checkHistory(500, 5000, false, DEFAULTS));
    assertTrue(ranges.getMessage().contains("500 tables, 5000 ranges") && ranges.getMessage().contains("planning.rowsPerRange"),
        ranges.getMessage());
    RunConfig eager = new RunConfig(null, null, null, 1, 1440);
    ConfigException polls = assertThrows(ConfigException.class, () -> ExecutionLimits.checkHistory(10, 10, true, eager));
    assertTrue(polls.getMessage().contains("run.loadPollSeconds"), polls.getMessage());
    ExecutionLimits.checkHistory(10, 10, false, eager); // no loads, no polls
  }

  @Test
  void tooManyTablesAreRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> ExecutionLimits.checkTables(401, false));
    assertTrue(e.getMessage().contains("401 tables") && e.getMessage().contains("tables.include"), e.getMessage());
    ConfigException loading = assertThrows(ConfigException.class, () -> ExecutionLimits.checkTables(251, true));
    assertTrue(loading.getMessage().contains("at most 250 when it loads"), loading.getMessage());
  }

  @Test
  void longTextKeyBoundsSendThePlanToS3EvenWhenItIsSmall() {
    // 300 ranges of a UUID-like key: about 26 KiB, inline; of a 120-character key: over 48 KiB, to S3.
    java.util.List<dev.rds2bq.contract.KeyRange> uuids = new java.util.ArrayList<>();
    java.util.List<dev.rds2bq.contract.KeyRange> longKeys = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      uuids.add(new dev.rds2bq.contract.KeyRange(i, null, String.format("%036d", i), String.format("%036d", i + 1)));
      longKeys.add(new dev.rds2bq.contract.KeyRange(i, null, "k".repeat(110) + i, "k".repeat(110) + (i + 1)));
    }
    RunPlan.TablePlan a = new RunPlan.TablePlan("db", "a", "1", 1, "", 300, uuids, null);
    RunPlan.TablePlan b = new RunPlan.TablePlan("db", "b", "1", 1, "", 300, longKeys, null);
    assertTrue(RunPlanner.widestRanges(java.util.List.of(a)) <= RunPlanner.MAX_INLINE_RANGES_BYTES);
    assertTrue(RunPlanner.widestRanges(java.util.List.of(a, b)) > RunPlanner.MAX_INLINE_RANGES_BYTES);
  }
}
