package dev.rds2bq.load;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.contract.Manifest;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.handler.JsonHandler;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.error.Rds2bqException;
import dev.rds2bq.metrics.TableMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * CheckLoads: asks DTS for each unfinished load's state, one load at a time and each on its own: a
 * load that cannot be checked (its run unknown, Google refusing) is reported FAILED with a one-line
 * cause, one that hit a transient fault keeps its state until the next poll, and the others are
 * checked either way. Past {@code run.loadTimeoutMinutes} since StartLoads, a load still pending or
 * running (or still uncheckable) is reported FAILED, so the poll loop always ends.
 */
public final class LoadChecker {
  private final BigQueryConfig config;
  private final BigQuery bigQuery;
  private final TransferLoads transfers;
  private final Duration timeout;
  private final Clock clock;
  private final TableMetrics metrics;
  private final GoogleClients clients;
  private final ObjectStore store;
  /**
   * CheckLoads runs for at most 900 s: it begins no table's check after 5 minutes, and waits for a
   * merge's job until 10 minutes into the call; a job still running then is found again, by its id,
   * at the next poll.
   */
  static final Duration START_TABLES_FOR = Duration.ofMinutes(5);
  static final Duration WAIT_PER_CALL = Duration.ofMinutes(10);

  private final ReceiptCheck receipts;
  private final BigQueryQueries queries;
  private long waitUntil = Long.MAX_VALUE;
  private final dev.rds2bq.contract.TableStates states;
  private final PipelineConfig.IncrementalConfig incremental;

  public LoadChecker(BigQueryConfig config, GoogleClients clients, Duration timeout, Clock clock) {
    this(config, clients, timeout, clock, TableMetrics.NONE);
  }

  public LoadChecker(BigQueryConfig config, GoogleClients clients, Duration timeout, Clock clock, TableMetrics metrics) {
    this(config, clients, null, timeout, clock, metrics);
  }

  /**
   * @param store where the manifests are, whose receipts are compared with each loaded table; null
   *     checks counts only
   */
  public LoadChecker(BigQueryConfig config, GoogleClients clients, ObjectStore store, Duration timeout, Clock clock,
      TableMetrics metrics) {
    this(config, clients, store, timeout, clock, metrics, null, null);
  }

  /**
   * @param layout where incremental tables keep {@code _state.json}, moved here once BigQuery took a
   *     snapshot or change set; {@code incremental} the config's incremental tables (null: none)
   */
  public LoadChecker(BigQueryConfig config, GoogleClients clients, ObjectStore store, Duration timeout, Clock clock,
      TableMetrics metrics, dev.rds2bq.contract.BucketLayout layout, PipelineConfig.IncrementalConfig incremental) {
    this.states = layout == null || store == null ? null : new dev.rds2bq.contract.TableStates(store, layout);
    this.incremental = incremental;
    this.queries = new BigQueryQueries(clients.bigQuery(), config);
    this.store = store;
    this.receipts = new ReceiptCheck(queries);
    this.metrics = metrics;
    this.clients = clients;
    this.config = config;
    this.bigQuery = clients.bigQuery();
    this.transfers = new TransferLoads(clients.transfers(), config, clock);
    this.timeout = timeout;
    this.clock = clock;
  }

  public LoadsStatus check(LoadsStatus status) {
    if (status == null || status.loads() == null || status.startedAt() == null) {
      throw new InvalidInputException("CheckLoads input must be the StartLoads output {runId, startedAt, loads}");
    }
    clients.credentialsReady();
    Instant started;
    try {
      started = Instant.parse(status.startedAt());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("CheckLoads: startedAt must be an ISO instant; got '" + status.startedAt() + "'");
    }
    boolean late = Duration.between(started, clock.instant()).compareTo(timeout) > 0;
    long call = System.nanoTime();
    waitUntil = call + WAIT_PER_CALL.toNanos();
    List<TableLoad> out = new ArrayList<>();
    for (TableLoad load : status.loads()) {
      if (load.terminal() || load.runName() == null) {
        out.add(load);
        continue;
      }
      if (System.nanoTime() - call > START_TABLES_FOR.toNanos()) {
        // Merges and receipt queries take time: the tables left are checked at the next poll, so that
        // this call ends well inside the function's timeout.
        out.add(load);
        continue;
      }
      String what = "table " + load.database() + "." + load.table();
      try {
        out.add(check(what, load, late));
      } catch (RuntimeException e) {
        // One load's trouble is its own: the others are still checked, and a transient fault only
        // postpones this one to the next poll (run.loadTimeoutMinutes still bounds it).
        boolean transientFault = e instanceof Rds2bqException r && r.isTransient();
        if (transientFault && !late) {
          out.add(load.withState(load.state(), null, List.of("WARNING: " + TableLoad.describe(what, e,
              " (checked again at the next poll)"))));
        } else {
          out.add(load.withState("FAILED", null, List.of("ERROR: " + TableLoad.describe(what, e, "; transfer run "
              + load.runName().substring(load.runName().lastIndexOf('/') + 1) + " may still run: check it in the"
              + " BigQuery console before re-running"))));
        }
      }
    }
    double seconds = Duration.between(started, clock.instant()).toMillis() / 1000.0;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).terminal() && !status.loads().get(i).terminal()) {
        metrics.loaded(out.get(i).database(), out.get(i).table(), seconds); // ended since the last poll
      }
    }
    return new LoadsStatus(status.runId(), status.runDate(), status.startedAt(), out.stream().allMatch(TableLoad::terminal),
        out);
  }

  private TableLoad check(String what, TableLoad load, boolean late) {
    if (load.superseded() != null) {
      return checkHistoryOnly(what, load, late);
    }
    if (load.staging() != null) {
      return checkChangeSet(what, load, late);
    }
    TransferLoads.RunState now = transfers.state(what + ": checking transfer run " + load.runName(), load.runName());
    if (load.historyRunName() != null) {
      now = bothRuns(now, transfers.state(what + ": checking history transfer run " + load.historyRunName(),
          load.historyRunName()), "history partition: ");
    }
    if (now.state().equals("SUCCEEDED")) {
      Long rows = rows(what, load.destination());
      if (config.writeDisposition() == PipelineConfig.WriteDisposition.WRITE_TRUNCATE && rows != null
          && load.rowsPublished() != null && !rows.equals(load.rowsPublished())) {
        // A replaced snapshot must hold exactly the published rows; anything else is a partial load.
        return load.withState("FAILED", rows, List.of("ERROR: the transfer succeeded but " + load.destination()
            + " holds " + rows + " rows where the snapshot has " + load.rowsPublished()
            + "; check the transfer run's log in the BigQuery console and re-run the date"));
      }
      TableLoad checked = receipt(what, load.withState("SUCCEEDED", rows, null));
      return checked.state().equals("SUCCEEDED") ? incrementalLoaded(what, checked) : checked;
    }
    if (TableLoad.TERMINAL.contains(now.state())) {
      return load.withState(now.state(), null, TableLoad.brief(now.errors()));
    }
    if (late) {
      return load.withState("FAILED", null, List.of("ERROR: still " + now.state() + " after "
          + timeout.toMinutes() + " minutes (run.loadTimeoutMinutes); transfer run " + load.runName()
          + " may still finish: check it in the BigQuery console before re-running"));
    }
    return load.withState(now.state(), null, null);
  }

  /**
   * A change set's load: once its staging run succeeded, the staging table must hold exactly the
   * change set (row count and receipts, before the table is touched); then one MERGE applies it;
   * then one query checks the table against the staged rows (every live row there, no deleted one
   * left); then the table's {@code _state.json} records what BigQuery took. A failure at any step
   * fails the table and leaves its state, so the next run reads the window again; the merge being
   * idempotent, a CheckLoads retried after it ran merges the same rows again to the same result.
   */
  private TableLoad checkChangeSet(String what, TableLoad load, boolean late) {
    TransferLoads.RunState now = transfers.state(what + ": checking staging transfer run " + load.runName(),
        load.runName());
    if (load.keysRunName() != null) {
      now = bothRuns(now, transfers.state(what + ": checking keys transfer run " + load.keysRunName(),
          load.keysRunName()), "keys: ");
    }
    if (!now.state().equals("SUCCEEDED")) {
      if (TableLoad.TERMINAL.contains(now.state())) {
        return load.withState(now.state(), null, TableLoad.brief(now.errors()));
      }
      if (late) {
        return load.withState("FAILED", null, List.of("ERROR: still " + now.state() + " after " + timeout.toMinutes()
            + " minutes (run.loadTimeoutMinutes); staging transfer run " + load.runName() + " may still finish: check"
            + " it in the BigQuery console before re-running"));
      }
      return load.withState(now.state(), null, null);
    }
    Manifest manifest = manifest(what, load);
    if (manifest == null) {
      throw new InvalidInputException(what + ": a change set's merge needs its manifest " + load.manifestKey());
    }
    ChangeMerge merge = ChangeMerge.of(what, manifest, incremental);
    Long staged = rows(what, load.staging());
    if (staged == null || staged != manifest.rows()) {
      return load.withState("FAILED", null, List.of("ERROR: the staging transfer succeeded but " + load.staging()
          + " holds " + staged + " rows where the change set has " + manifest.rows() + "; nothing was merged into "
          + load.destination() + ". Check the transfer run's log in the BigQuery console and re-run the date"));
    }
    String keys = merge.keyDiff() ? ChangeMerge.keysTable(load.destination()) : null;
    if (keys != null) {
      Long keyRows = rows(what, keys);
      if (keyRows == null || manifest.keyRows() == null || !keyRows.equals(manifest.keyRows())) {
        return load.withState("FAILED", null, List.of("ERROR: the keys transfer succeeded but " + keys + " holds "
            + keyRows + " keys where the change set has " + manifest.keyRows() + "; nothing was merged into "
            + load.destination() + ". Check the transfer run's log in the BigQuery console and re-run the date"));
      }
    }
    long bytes = 0;
    if (config.checkReceipts() && manifest.receipts() != null) {
      ReceiptCheck.Outcome outcome = receipts.check(what, "`" + load.staging() + "`", null, manifest);
      bytes = outcome.bytesProcessed();
      if (!outcome.differences().isEmpty()) {
        return load.withReceiptBytes(bytes).withState("FAILED", null, TableLoad.brief(List.of("ERROR: " + what
            + ": the staged change set " + load.staging() + " differs from the one published: "
            + String.join("; ", outcome.differences()) + ". Nothing was merged into " + load.destination()
            + " (see docs/data-contract.md#receipts): fix the cause and re-run the date")));
      }
    }
    // One job per change set and step: a call that stopped waiting finds the same job at the next poll.
    BigQueryQueries.Result merged = queries.runOnce(what + ": merging " + load.staging() + " into "
        + load.destination(), merge.mergeSql(load.destination(), load.staging()),
        "merge " + load.manifestKey() + " " + load.destination(), waitUntil);
    long gone = 0;
    if (keys != null) {
      BigQueryQueries.Result deleted = queries.runOnce(what + ": deleting from " + load.destination() + " the rows"
          + " whose key the source no longer has", merge.deleteMissingSql(load.destination(), keys),
          "key_diff " + load.manifestKey() + " " + load.destination(), waitUntil);
      bytes += deleted.bytesProcessed();
      gone = deleted.dmlAffectedRows() == null ? 0 : deleted.dmlAffectedRows();
    }
    BigQueryQueries.Result check = queries.run(what + ": checking the merge into " + load.destination(),
        merge.checkSql(load.destination(), load.staging()));
    bytes += merged.bytesProcessed() + check.bytesProcessed();
    com.google.cloud.bigquery.FieldValueList row = check.rows().get(0);
    long deletes = row.get("deletes").getLongValue();
    long missing = row.get("missing").getLongValue();
    long kept = row.get("kept").getLongValue();
    Long tableRows = rows(what, load.destination());
    TableLoad done = load.withReceiptBytes(bytes);
    if (missing != 0 || kept != 0) {
      return done.withState("FAILED", tableRows, List.of("ERROR: " + what + ": after the merge " + load.destination()
          + " lacks " + missing + " live row(s) of the change set and still holds " + kept + " row(s) it deletes;"
          + " the merge did not apply the change set: check the table, then re-run the date (the mark did not"
          + " move, so the window is read again)"));
    }
    if (keys != null && (tableRows == null || tableRows.longValue() != manifest.keyRows())) {
      // Every row left has a key of the source; fewer rows than keys means rows the cursor never
      // brought: commits that landed below the mark later than the lag.
      return done.withState("FAILED", tableRows, List.of("ERROR: " + what + ": after the merge " + load.destination()
          + " holds " + tableRows + " rows where the source had " + manifest.keyRows() + " in the export's snapshot;"
          + " rows committed later than the lag were never read. Raise the table's lag and run it as a full snapshot"
          + " (\"modes\": {\"" + manifest.database() + "." + manifest.table() + "\": \"full\"})"));
    }
    if (merge.softDelete() == null && config.checkReceipts() && manifest.receipts() != null) {
      // The change set's rows as the table now holds them must be the published ones, value for value:
      // the receipt query over the table's rows whose key was staged.
      ReceiptCheck.Outcome afterMerge = receipts.check(what, "`" + load.destination() + "` T", merge.stagedRows(
          load.staging()), manifest);
      bytes += afterMerge.bytesProcessed();
      done = done.withReceiptBytes(bytes);
      if (!afterMerge.differences().isEmpty()) {
        return done.withState("FAILED", tableRows, TableLoad.brief(List.of("ERROR: " + what + ": after the merge,"
            + " the change set's rows in " + load.destination() + " differ from the change set: "
            + String.join("; ", afterMerge.differences()) + ". The merge changed values; check the table's column"
            + " types against the change set's, then re-run the date (the mark did not move)")));
      }
    }
    String note = "merged " + manifest.rows() + " changed row(s) by " + String.join(", ", merge.key())
        + (merge.softDelete() == null ? "" : ", " + deletes + " deleted")
        + (keys == null ? "" : ", " + gone + " deleted (keys gone from the source)") + " ("
        + (merged.dmlAffectedRows() == null ? "?" : merged.dmlAffectedRows()) + " row(s) affected)";
    if (config.history() == PipelineConfig.History.DAILY) {
      // The day's partition of the history table is the merged table as it now is: one query job
      // writing over that partition only, then its row count against the table's.
      String table = load.destination().substring(load.destination().lastIndexOf('.') + 1);
      String history = DestinationTables.historyTable(table);
      java.time.LocalDate day = java.time.LocalDate.parse(manifest.runDate());
      BigQueryQueries.Result copied = queries.runOnceIntoPartition(what + ": writing the history partition " + day
          + " of " + history, "SELECT * FROM `" + load.destination() + "`", history, day,
          "history " + load.manifestKey() + " " + load.destination(), waitUntil);
      BigQueryQueries.Result counted = queries.run(what + ": counting the history partition " + day,
          "SELECT COUNT(*) AS n FROM `" + config.projectId() + "." + config.dataset() + "." + history
              + "` WHERE _PARTITIONDATE = DATE '" + day + "'");
      bytes += copied.bytesProcessed() + counted.bytesProcessed();
      done = done.withReceiptBytes(bytes);
      long inPartition = counted.rows().get(0).get("n").getLongValue();
      if (tableRows == null || inPartition != tableRows) {
        return done.withState("FAILED", tableRows, List.of("ERROR: " + what + ": history partition " + day + " of "
            + history + " holds " + inPartition + " rows where the merged table holds " + tableRows + "; re-run the"
            + " date (the mark did not move)"));
      }
      note = note + "; history partition " + day + " written from the merged table";
    }
    recordLoaded(manifest, load);
    return done.withMerge(note).withState("SUCCEEDED", tableRows, null);
  }

  /**
   * A whole-table load of an incremental table, checked: a soft-delete table drops the rows its
   * column marks deleted (after the receipt check, which counts them, as the export did), and for a
   * full snapshot (not a table read as a plain snapshot) the table's state records what BigQuery took.
   */
  private TableLoad incrementalLoaded(String what, TableLoad load) {
    if (incremental == null || load.manifestKey() == null) {
      return load;
    }
    Manifest manifest = manifest(what, load);
    if (manifest == null) {
      return load;
    }
    // Also a table read as a plain snapshot this run ("modes"): BigQuery holds its live rows either way.
    ChangeMerge merge = ChangeMerge.softDeletesOf(what, manifest, incremental);
    TableLoad done = load;
    if (merge != null) {
      BigQueryQueries.Result deleted = queries.runOnce(what + ": removing soft-deleted rows from "
          + load.destination(), merge.deleteSql(load.destination()),
          "soft deletes " + load.manifestKey() + " " + load.destination(), waitUntil);
      long bytes = deleted.bytesProcessed();
      if (load.historyRunName() != null) {
        // The day's partition of the history table holds the day's live rows too.
        java.time.LocalDate day = java.time.LocalDate.parse(manifest.runDate());
        String table = DestinationTables.historyTable(load.destination());
        bytes += queries.runOnce(what + ": removing soft-deleted rows from history partition " + day,
            merge.deleteSql(table, day), "soft deletes history " + load.manifestKey() + " " + table, waitUntil)
            .bytesProcessed();
      }
      Long tableRows = rows(what, load.destination());
      done = load.withReceiptBytes((load.receiptBytes() == null ? 0 : load.receiptBytes()) + bytes)
          .withMerge("full snapshot; " + deleted.dmlAffectedRows() + " soft-deleted row(s) left out by "
              + merge.softDelete()).withState("SUCCEEDED", tableRows, null);
    }
    if (manifest.window() != null) {
      recordLoaded(manifest, load);
    }
    return done;
  }

  private void recordLoaded(Manifest manifest, TableLoad load) {
    if (states != null) {
      states.loaded(manifest, manifest, load.manifestKey(), clock.instant().toString());
    }
  }

  /**
   * A snapshot older than the one the table holds, loaded into its own day partition of the history
   * table only: SUPERSEDED once that run succeeded and its partition matches the receipts.
   */
  private TableLoad checkHistoryOnly(String what, TableLoad load, boolean late) {
    TransferLoads.RunState now = transfers.state(what + ": checking history transfer run " + load.runName(),
        load.runName());
    if (now.state().equals("SUCCEEDED")) {
      Manifest manifest = manifest(what, load);
      List<String> differences = new ArrayList<>();
      long bytes = 0;
      if (manifest != null && manifest.receipts() != null && config.checkReceipts()) {
        ReceiptCheck.Outcome history = receipts.check(what, "`" + DestinationTables.historyTable(load.destination())
            + "`", "_PARTITIONDATE = DATE '" + manifest.runDate() + "'", manifest);
        history.differences().forEach(d -> differences.add("history partition " + manifest.runDate() + ": " + d));
        bytes = history.bytesProcessed();
      }
      TableLoad checked = load.withReceiptBytes(bytes);
      if (!differences.isEmpty()) {
        return checked.withState("FAILED", null, TableLoad.brief(List.of("ERROR: " + what + ": the loaded history"
            + " partition differs from the snapshot it was loaded from: " + String.join("; ", differences))));
      }
      return checked.withState(TableLoad.SUPERSEDED, null, List.of("SKIPPED: " + load.superseded()
          + "; its history partition " + (manifest == null ? "" : manifest.runDate() + " ") + "was loaded"));
    }
    if (TableLoad.TERMINAL.contains(now.state())) {
      List<String> errors = now.errors() == null ? null
          : now.errors().stream().map(e -> e.replaceFirst("^(\\w+): ", "$1: history partition: ")).toList();
      return load.withState(now.state(), null, TableLoad.brief(errors));
    }
    if (late) {
      return load.withState("FAILED", null, List.of("ERROR: still " + now.state() + " after "
          + timeout.toMinutes() + " minutes (run.loadTimeoutMinutes); history transfer run " + load.runName()
          + " may still finish: check it in the BigQuery console before re-running"));
    }
    return load.withState(now.state(), null, null);
  }

  private Manifest manifest(String what, TableLoad load) {
    if (store == null || load.manifestKey() == null) {
      return null;
    }
    byte[] json = store.get(load.manifestKey());
    if (json == null) {
      throw new InvalidInputException(what + ": its manifest " + load.manifestKey() + " is no longer in the bucket,"
          + " so its receipt cannot be checked; publish and load the table again");
    }
    try {
      return JsonHandler.LENIENT.readValue(json, Manifest.class);
    } catch (java.io.IOException e) {
      throw new InvalidInputException(what + ": " + load.manifestKey() + " is not a readable manifest; publish the"
          + " table again");
    }
  }

  /**
   * The state of a load with two runs, the table's and a second one (its second partition's, or a
   * change set's keys), whose errors are told apart by {@code label}: failed when either failed,
   * succeeded when both did, else still going.
   */
  private static TransferLoads.RunState bothRuns(TransferLoads.RunState main, TransferLoads.RunState second,
      String label) {
    for (TransferLoads.RunState r : List.of(main, second)) {
      if (r.state().equals("FAILED") || r.state().equals("CANCELLED")) {
        List<String> errors = r == second && r.errors() != null
            ? r.errors().stream().map(e -> e.replaceFirst("^(\\w+): ", "$1: " + label)).toList() : r.errors();
        return new TransferLoads.RunState(r.state(), errors);
      }
    }
    if (main.state().equals("SUCCEEDED") && second.state().equals("SUCCEEDED")) {
      return main;
    }
    boolean running = main.state().equals("RUNNING") || second.state().equals("RUNNING");
    return new TransferLoads.RunState(running ? "RUNNING" : "PENDING", null);
  }

  /**
   * A load whose row count matched, checked value by value against its snapshot's receipts: one
   * query over the loaded table. A difference fails the table naming each column and both figures;
   * a table loaded with WRITE_APPEND holds more than the snapshot, so only WRITE_TRUNCATE is checked.
   */
  private TableLoad receipt(String what, TableLoad load) {
    if (store == null || load.manifestKey() == null || !config.checkReceipts()
        || config.writeDisposition() != PipelineConfig.WriteDisposition.WRITE_TRUNCATE) {
      return load;
    }
    Manifest manifest = manifest(what, load);
    if (manifest.receipts() == null) {
      return load; // published before receipts existed
    }
    ReceiptCheck.Outcome outcome = receipts.check(what, "`" + load.destination() + "`", null, manifest);
    List<String> differences = new ArrayList<>(outcome.differences());
    long bytes = outcome.bytesProcessed();
    if (load.historyRunName() != null) {
      // The day's partition only: a filter on the partition prunes the scan to it.
      ReceiptCheck.Outcome history = receipts.check(what, "`" + DestinationTables.historyTable(load.destination())
          + "`", "_PARTITIONDATE = DATE '" + manifest.runDate() + "'", manifest);
      history.differences().forEach(d -> differences.add("history partition " + manifest.runDate() + ": " + d));
      bytes += history.bytesProcessed();
    }
    TableLoad checked = load.withReceiptBytes(bytes);
    if (differences.isEmpty()) {
      return checked;
    }
    List<String> errors = new ArrayList<>();
    errors.add("ERROR: " + what + ": the loaded table " + load.destination() + " differs from the snapshot it was"
        + " loaded from: " + String.join("; ", differences) + ". A conversion in the load changed values"
        + " (see docs/data-contract.md#receipts); the table now holds them: fix the cause and re-run the date");
    return checked.withState("FAILED", checked.destinationRows(), TableLoad.brief(errors));
  }

  private Long rows(String what, String destination) {
    String table = destination.substring(destination.lastIndexOf('.') + 1);
    try {
      Table t = bigQuery.getTable(TableId.of(config.projectId(), config.dataset(), table));
      return t == null || t.getNumRows() == null ? null : t.getNumRows().longValue();
    } catch (BigQueryException e) {
      throw LoadErrors.bigQuery(what + ": reading the row count of " + destination, e, config);
    }
  }
}
