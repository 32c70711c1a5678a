package dev.rds2bq.plan;

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
    ExecutionLimits.checkTables(400);
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
    ConfigException e = assertThrows(ConfigException.class, () -> ExecutionLimits.checkTables(401));
    assertTrue(e.getMessage().contains("401 tables") && e.getMessage().contains("tables.include"), e.getMessage());
  }
}
