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
 * @param loaded what BigQuery holds: moved by CheckLoads only once a load (or merge) of this table
 *     succeeded and passed its checks, so a run whose load failed leaves it, and the next loading
 *     run reads its window again; null before the first load
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableState(String cursor, String mark, String runId, String runDate, String attempt, String manifest,
    String full, String fullRunDate, List<String> changes, String updatedAt, Loaded loaded) {
  public TableState {
    changes = changes == null ? List.of() : List.copyOf(changes);
  }

  /**
   * The snapshot or change set BigQuery last took, and the cursor's mark it reached: a loading
   * run's window starts there (less the lag), not at {@code mark}, which S3 readers follow.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Loaded(String cursor, String mark, String manifest, String runId, String runDate, String loadedAt) {}
}
