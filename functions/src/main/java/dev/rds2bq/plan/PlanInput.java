package dev.rds2bq.plan;

import java.util.List;

/**
 * What a run was asked for, whatever form it came in: a console click ({@code {}}), the schedule's
 * event, or {@code {"tables": [...], "runDate": "YYYY-MM-DD", "load": false, "runId": "..."}}.
 * {@code startTime} is the execution's start, which fixes the default run date.
 */
public record PlanInput(List<String> tables, String runDate, Boolean load, String runId, String startTime) {
  public static PlanInput empty() {
    return new PlanInput(List.of(), null, null, null, null);
  }
}
