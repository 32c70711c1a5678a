package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An incremental table's {@code _state.json} (docs/data-contract.md#incremental-tables): the cursor
 * and its mark, the last published attempt, the full snapshot the change sets since build on, and
 * those change sets in order. PublishTable writes it with a conditional write once the attempt is
 * published; PlanRun reads it to start the next window at {@code mark} minus the table's lag.
 *
 * @param mark the cursor's largest value the last publish read (in every range's snapshot)
 * @param full the manifest key of the last full snapshot, and {@code fullRunDate} its run date
 * @param changes manifest keys of the change sets published since that snapshot, oldest first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableState(String cursor, String mark, String runId, String runDate, String attempt, String manifest,
    String full, String fullRunDate, List<String> changes, String updatedAt) {
  public TableState {
    changes = changes == null ? List.of() : List.copyOf(changes);
  }
}
