package dev.rds2bq.load;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One table's load: where it goes, the DTS transfer config and run, and the run's state (PENDING,
 * RUNNING, SUCCEEDED, FAILED, CANCELLED). {@code errors} holds the transfer log's warnings and
 * errors of a failed run; {@code destinationRows} the table's row count after a successful one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableLoad(String database, String table, String destination, String transferConfig, String runName,
    String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors) {

  public static final List<String> TERMINAL = List.of("SUCCEEDED", "FAILED", "CANCELLED");

  public boolean terminal() {
    return TERMINAL.contains(state);
  }

  TableLoad withState(String newState, Long rows, List<String> newErrors) {
    return new TableLoad(database, table, destination, transferConfig, runName, newState, rowsPublished, rows,
        tableChange, newErrors);
  }
}
