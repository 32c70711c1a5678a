package dev.rds2bq.plan;

import dev.rds2bq.config.PipelineConfig.RunConfig;
import dev.rds2bq.error.ConfigException;

/**
 * Step Functions limits a plan must fit, checked by PlanRun so that a run too big fails before any
 * export instead of halfway, with no summary (docs/state-machine.md#limits-to-know):
 *
 * <ul>
 *   <li>every table's outcome travels in one payload of at most 256 KiB: a failed table's outcome
 *       (its error class and message) takes about 0.5 KiB;
 *   <li>an execution's history holds at most 25,000 events: about 15 per table, 7 per range and 9
 *       per CheckLoads poll.
 * </ul>
 */
public final class ExecutionLimits {
  /** Tables per run without loads: each outcome takes about 0.25-0.5 KiB of the payload. */
  public static final int MAX_TABLES = 400;
  /** With loads, each table also has its load (about 0.45 KiB) in the same payload. */
  public static final int MAX_TABLES_LOADING = 250;
  static final int MAX_EVENTS = 24_000; // 25,000 less the states around the Maps and some room
  static final int EVENTS_PER_TABLE = 15;
  static final int EVENTS_PER_RANGE = 7;
  static final int EVENTS_PER_POLL = 9;

  private ExecutionLimits() {}

  static void checkTables(int tables, boolean load) {
    int max = load ? MAX_TABLES_LOADING : MAX_TABLES;
    if (tables > max) {
      throw new ConfigException("the run selects " + tables + " tables; one execution carries at most " + max
          + (load ? " when it loads (every table's outcome and load share" : " (every table's outcome shares")
          + " one 256 KiB Step Functions payload). Fix: split the tables over runs, with the run input's 'tables' or"
          + " with tables.include/exclude in several deployments");
    }
  }

  /** The history events a run of this size can write, loads included when it loads. */
  static long events(int tables, int ranges, boolean load, RunConfig run) {
    long polls = load ? (run.loadTimeoutMinutes() * 60L + run.loadPollSeconds() - 1) / run.loadPollSeconds() + 1 : 0;
    return (long) EVENTS_PER_TABLE * tables + (long) EVENTS_PER_RANGE * ranges + EVENTS_PER_POLL * polls;
  }

  static void checkHistory(int tables, int ranges, boolean load, RunConfig run) {
    long events = events(tables, ranges, load, run);
    if (events > MAX_EVENTS) {
      throw new ConfigException("the run would write up to " + events + " Step Functions history events (" + tables
          + " tables, " + ranges + " ranges" + (load ? ", a CheckLoads poll every " + run.loadPollSeconds() + " s for up to "
          + run.loadTimeoutMinutes() + " min" : "") + "); an execution holds at most 25,000. Fix: raise"
          + " planning.rowsPerRange (fewer ranges), raise run.loadPollSeconds, or split the tables over runs");
    }
  }
}
