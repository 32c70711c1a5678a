package dev.rds2bq.load;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One table's load: where it goes, the DTS transfer config and run, and the run's state (PENDING,
 * RUNNING, SUCCEEDED, FAILED, CANCELLED), or SUPERSEDED for a snapshot older than the one the table's
 * {@code _latest.json} names, which is not loaded (its reason in {@code errors}). {@code errors} holds the transfer log's warnings and
 * errors of a failed run; {@code destinationRows} the table's row count after a successful one;
 * {@code manifestKey} the snapshot's manifest, whose receipts CheckLoads compares with the loaded
 * table, and {@code receiptBytes} the bytes that comparison's query processed; {@code historyRunName}
 * the second transfer run, into the day partition of the history table ({@code bigquery.history:
 * daily}), which must succeed too. {@code superseded} says why the table itself is not loaded (a
 * newer snapshot is, [loads never go back]); with history, {@code runName} is then the run into the
 * snapshot's day partition alone, and the load ends SUPERSEDED once that run succeeded.
 * {@code staging} is the table a change set is loaded into, which CheckLoads then merges into
 * {@code destination}; {@code merge} says what the merge (or a soft-delete cleanup) did;
 * {@code keysRunName} the run that loads a key_diff change set's keys, which must succeed too.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableLoad(String source, String database, String table, String destination, String transferConfig,
    String runName, String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors,
    String manifestKey, Long receiptBytes, String historyRunName, String superseded, String staging, String merge,
    String keysRunName) {

  /** A load that merges nothing. */
  public TableLoad(String source, String database, String table, String destination, String transferConfig,
      String runName, String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors,
      String manifestKey, Long receiptBytes, String historyRunName, String superseded) {
    this(source, database, table, destination, transferConfig, runName, state, rowsPublished, destinationRows,
        tableChange, errors, manifestKey, receiptBytes, historyRunName, superseded, null, null, null);
  }

  /** A load of the table itself, with or without a history transfer. */
  public TableLoad(String source, String database, String table, String destination, String transferConfig,
      String runName, String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors,
      String manifestKey, Long receiptBytes, String historyRunName) {
    this(source, database, table, destination, transferConfig, runName, state, rowsPublished, destinationRows,
        tableChange, errors, manifestKey, receiptBytes, historyRunName, null);
  }

  /** A load without a history transfer. */
  public TableLoad(String source, String database, String table, String destination, String transferConfig,
      String runName, String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors,
      String manifestKey, Long receiptBytes) {
    this(source, database, table, destination, transferConfig, runName, state, rowsPublished, destinationRows,
        tableChange, errors, manifestKey, receiptBytes, null);
  }

  /** A load of a table of the config's single {@code source}. */
  public TableLoad(String database, String table, String destination, String transferConfig, String runName,
      String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors,
      String manifestKey, Long receiptBytes) {
    this(null, database, table, destination, transferConfig, runName, state, rowsPublished, destinationRows,
        tableChange, errors, manifestKey, receiptBytes);
  }

  /** A load whose manifest is not known (its receipt is not checked). */
  public TableLoad(String source, String database, String table, String destination, String transferConfig,
      String runName, String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors) {
    this(source, database, table, destination, transferConfig, runName, state, rowsPublished, destinationRows,
        tableChange, errors, null, null);
  }

  /** A load of the single {@code source} whose manifest is not known (its receipt is not checked). */
  public TableLoad(String database, String table, String destination, String transferConfig, String runName,
      String state, Long rowsPublished, Long destinationRows, String tableChange, List<String> errors) {
    this(null, database, table, destination, transferConfig, runName, state, rowsPublished, destinationRows,
        tableChange, errors, null, null, null);
  }

  public static final String SUPERSEDED = "SUPERSEDED";
  public static final List<String> TERMINAL = List.of("SUCCEEDED", "FAILED", "CANCELLED", SUPERSEDED);

  static final int MAX_ERRORS = 2;
  static final int MAX_ERROR_CHARS = 800;

  /**
   * At most 2 messages of at most 800 characters: every table's load shares one 256 KiB payload
   * with the others; the transfer's full log stays in the BigQuery console.
   */
  static List<String> brief(List<String> errors) {
    if (errors == null) {
      return null;
    }
    List<String> out = new java.util.ArrayList<>();
    for (String e : errors.subList(0, Math.min(MAX_ERRORS, errors.size()))) {
      out.add(e.length() <= MAX_ERROR_CHARS ? e : e.substring(0, MAX_ERROR_CHARS - 1) + "…");
    }
    if (errors.size() > MAX_ERRORS) {
      out.add("(" + (errors.size() - MAX_ERRORS) + " more in the transfer run's log)");
    }
    return out;
  }

  /**
   * One line naming the table and what went wrong with it: {@code table db.t: <message>}, cut to
   * fit the payload; an error that is not one of rds2bq's own (a bug) keeps its class name, so it is
   * not mistaken for a user fault.
   */
  static String describe(String what, RuntimeException e, String then) {
    String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim();
    if (!(e instanceof dev.rds2bq.error.Rds2bqException)) {
      message = e.getClass().getSimpleName() + ": " + message;
    }
    String line = message.startsWith(what) ? message : what + ": " + message;
    int room = MAX_ERROR_CHARS - 10 - then.length();
    return (line.length() <= room ? line : line.substring(0, room - 1) + "…") + then;
  }

  public boolean terminal() {
    return TERMINAL.contains(state);
  }

  TableLoad withState(String newState, Long rows, List<String> newErrors) {
    return new TableLoad(source, database, table, destination, transferConfig, runName, newState, rowsPublished,
        rows, tableChange, newErrors, manifestKey, receiptBytes, historyRunName, superseded, staging, merge, keysRunName);
  }

  /** The same load with the bytes its receipt query processed. */
  TableLoad withReceiptBytes(Long bytes) {
    return new TableLoad(source, database, table, destination, transferConfig, runName, state, rowsPublished,
        destinationRows, tableChange, errors, manifestKey, bytes, historyRunName, superseded, staging, merge, keysRunName);
  }

  /** The same load with what its merge did. */
  TableLoad withMerge(String what) {
    return new TableLoad(source, database, table, destination, transferConfig, runName, state, rowsPublished,
        destinationRows, tableChange, errors, manifestKey, receiptBytes, historyRunName, superseded, staging, what, keysRunName);
  }
}
