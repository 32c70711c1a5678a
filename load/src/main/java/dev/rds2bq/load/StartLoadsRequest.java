package dev.rds2bq.load;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.rds2bq.error.InvalidInputException;
import java.util.List;

/** StartLoads input (events/StartLoads/): the run and its table outcomes; only PUBLISHED ones load. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StartLoadsRequest(String runId, String runDate, List<TableOutcome> tables) {
  public void validate() {
    if (runId == null || !runId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new InvalidInputException("StartLoads needs runId (the PlanRun output's); got "
          + (runId == null ? "nothing" : "'" + runId + "'"));
    }
    if (tables == null) {
      throw new InvalidInputException("StartLoads needs tables: the list of table outcomes of the run");
    }
  }
}
