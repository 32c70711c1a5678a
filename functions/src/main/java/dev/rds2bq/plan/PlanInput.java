package dev.rds2bq.plan;

import java.util.List;

/**
 * What a run was asked for, whatever form it came in: a console click ({@code {}}), the schedule's
 * event, or {@code {"tables": [...], "sources": [...], "runDate": "YYYY-MM-DD", "load": false, "runId": "..."}}:
 * {@code sources} limits a run to some of the config's named sources.
 * {@code startTime} is the execution's start, which fixes the default run date; {@code executionArn}
 * identifies the execution for the one-run-at-a-time check, which {@code allowConcurrent} skips.
 * {@code replaceNewer} lets this run's (older) date replace a later snapshot in {@code _latest.json}
 * and BigQuery. {@code full} makes every incremental table a full snapshot this run; {@code modes}
 * does it per table ({@code {"app.step_logs": "full"}}), or reads an incremental table as a plain
 * snapshot this run ({@code "snapshot"}), its state left as it is.
 */
public record PlanInput(List<String> tables, String runDate, Boolean load, String runId, String startTime,
    String executionArn, boolean allowConcurrent, boolean replaceNewer, List<String> sources, boolean full,
    java.util.Map<String, String> modes) {
  public static final String FULL = "full";
  public static final String SNAPSHOT = "snapshot";

  public PlanInput {
    sources = sources == null ? List.of() : List.copyOf(sources);
    modes = modes == null ? java.util.Map.of() : java.util.Map.copyOf(modes);
  }

  public PlanInput(List<String> tables, String runDate, Boolean load, String runId, String startTime,
      String executionArn, boolean allowConcurrent, boolean replaceNewer, List<String> sources, boolean full) {
    this(tables, runDate, load, runId, startTime, executionArn, allowConcurrent, replaceNewer, sources, full, null);
  }

  public PlanInput(List<String> tables, String runDate, Boolean load, String runId, String startTime,
      String executionArn, boolean allowConcurrent, boolean replaceNewer, List<String> sources) {
    this(tables, runDate, load, runId, startTime, executionArn, allowConcurrent, replaceNewer, sources, false);
  }

  public PlanInput(List<String> tables, String runDate, Boolean load, String runId, String startTime,
      String executionArn, boolean allowConcurrent, boolean replaceNewer) {
    this(tables, runDate, load, runId, startTime, executionArn, allowConcurrent, replaceNewer, null);
  }

  public PlanInput(List<String> tables, String runDate, Boolean load, String runId, String startTime) {
    this(tables, runDate, load, runId, startTime, null, false, false);
  }

  public PlanInput(List<String> tables, String runDate, Boolean load, String runId, String startTime,
      String executionArn, boolean allowConcurrent) {
    this(tables, runDate, load, runId, startTime, executionArn, allowConcurrent, false);
  }

  public static PlanInput empty() {
    return new PlanInput(List.of(), null, null, null, null);
  }
}
