package dev.rds2bq.load;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.handler.JsonHandler;
import dev.rds2bq.error.LoadRejectedException;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.Manifest;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * StartLoads: for each published table of the run, reads its manifest, makes the BigQuery table fit
 * the snapshot ({@link DestinationTables}) and starts one DTS run over exactly the manifest's files
 * ({@link TransferLoads}). Each table stands alone: one that cannot be loaded (a missing or broken
 * manifest, S3 or Google refusing, a fault that outlasted the client's retries) is reported FAILED
 * with a one-line cause, and the others start. Starting is idempotent, so the call is safe to repeat.
 */
public final class LoadStarter {
  /** Tables prepared at once; each holds a few sequential Google calls. */
  static final int PARALLEL_TABLES = 8;

  private final ObjectStore store;
  private final String bucket;
  private final BucketLayout layout;
  private final BigQueryConfig config;
  private final DestinationTables tables;
  private final TransferLoads transfers;
  private final java.util.function.Supplier<S3AccessKey> accessKey;
  private final GoogleClients clients;
  private final Clock clock;
  private final PipelineConfig.IncrementalConfig incremental;
  private final dev.rds2bq.contract.TableStates states;

  public LoadStarter(ObjectStore store, String bucket, BucketLayout layout, BigQueryConfig config,
      GoogleClients clients, S3AccessKey accessKey, Clock clock) {
    this(store, bucket, layout, config, clients, () -> accessKey, clock);
  }

  public LoadStarter(ObjectStore store, String bucket, BucketLayout layout, BigQueryConfig config,
      GoogleClients clients, java.util.function.Supplier<S3AccessKey> accessKey, Clock clock) {
    this(store, bucket, layout, config, clients, accessKey, clock, null);
  }

  /**
   * @param layout the bucket's layout, which names each table's DTS {@code data_path}
   * @param accessKey read at the first start (in Lambda, from Secrets Manager)
   */
  /** @param incremental the config's incremental tables, whose change sets are merged (null: none) */
  public LoadStarter(ObjectStore store, String bucket, BucketLayout layout, BigQueryConfig config,
      GoogleClients clients, java.util.function.Supplier<S3AccessKey> accessKey, Clock clock,
      PipelineConfig.IncrementalConfig incremental) {
    this.incremental = incremental;
    this.states = new dev.rds2bq.contract.TableStates(store, layout);
    this.store = store;
    this.bucket = bucket;
    this.layout = layout;
    this.config = config;
    this.tables = new DestinationTables(clients.bigQuery(), config);
    this.accessKey = accessKey;
    this.clients = clients;
    this.transfers = new TransferLoads(clients.transfers(), config, clock);
    this.clock = clock;
  }

  public LoadsStatus start(StartLoadsRequest request) {
    request.validate();
    clients.credentialsReady();
    transfers.beginCall(accessKey.get());
    List<TableOutcome> published = request.tables().stream().filter(TableOutcome::published).toList();
    // Tables are prepared side by side: hundreds of them one after another would outlast the Lambda.
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL_TABLES, published.size())));
    try {
      List<Future<TableLoad>> futures = new ArrayList<>();
      for (TableOutcome outcome : published) {
        futures.add(pool.submit(() -> startOne(outcome, request.runId())));
      }
      List<TableLoad> loads = new ArrayList<>();
      for (Future<TableLoad> f : futures) {
        loads.add(await(f));
      }
      boolean done = loads.stream().allMatch(TableLoad::terminal);
      return new LoadsStatus(request.runId(), request.runDate(), clock.instant().toString(), done, loads);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One table, isolated from the others: whatever goes wrong with it (a manifest that is missing or
   * malformed, S3 or Google refusing, a transient fault that outlasted the client's retries) becomes
   * this table's FAILED load with a one-line cause, and the other tables' loads go on.
   */
  private TableLoad startOne(TableOutcome outcome, String runId) {
    String what = "table " + outcome.qualifiedName();
    String destinationTable = config.tableFor(outcome.source(), outcome.database(), outcome.table());
    String destination = config.projectId() + "." + config.dataset() + "." + destinationTable;
    Long rows = outcome.publish().rows();
    String change = null;
    try {
      Manifest manifest = manifest(what, outcome.publish().manifestKey(), runId);
      if (!java.util.Objects.equals(outcome.source(), manifest.source())
          || !outcome.database().equals(manifest.database()) || !outcome.table().equals(manifest.table())) {
        throw new InvalidInputException(what + ": manifest " + outcome.publish().manifestKey() + " describes "
            + (manifest.source() == null ? "" : manifest.source() + ".") + manifest.database() + "."
            + manifest.table());
      }
      rows = manifest.rows();
      if (manifest.changeSet()) {
        return startChangeSet(what, outcome, manifest, ChangeMerge.of(what, manifest, incremental), destinationTable,
            destination);
      }
      String newer = newerSnapshot(manifest, outcome.publish().manifestKey());
      String path = newer == null ? null : dataPath(what, manifest);
      if (newer != null && config.history() == PipelineConfig.History.DAILY) {
        // BigQuery never goes back: the table keeps the newer snapshot, and only this snapshot's own day
        // partition of the history table is (re)loaded.
        tables.ensureHistory(manifest);
        String[] history = transfers.startHistory(what + ": starting its history transfer", manifest.database(),
            manifest.table(), DestinationTables.historyTable(destinationTable), path, publishedAt(manifest),
            java.time.LocalDate.parse(manifest.runDate()));
        return new TableLoad(manifest.source(), manifest.database(), manifest.table(), destination, history[0],
            history[1], "PENDING", rows, null, null, null, outcome.publish().manifestKey(), null, null, newer);
      }
      if (newer != null) {
        // BigQuery never goes back: the table keeps the snapshot _latest.json names, and this run says so.
        return new TableLoad(manifest.source(), manifest.database(), manifest.table(), destination, null, null,
            TableLoad.SUPERSEDED, rows, null, null, List.of("SKIPPED: " + newer), outcome.publish().manifestKey(),
            null, null, newer);
      }
      path = dataPath(what, manifest);
      change = tables.ensure(manifest);
      String[] started = transfers.start(what + ": starting its transfer", manifest.database(), manifest.table(),
          destinationTable, path, publishedAt(manifest));
      String historyRun = null;
      if (config.history() == PipelineConfig.History.DAILY) {
        String history = DestinationTables.historyTable(destinationTable);
        tables.ensureHistory(manifest);
        historyRun = transfers.startHistory(what + ": starting its history transfer", manifest.database(),
            manifest.table(), history, path, publishedAt(manifest), java.time.LocalDate.parse(manifest.runDate()))[1];
      }
      return new TableLoad(manifest.source(), manifest.database(), manifest.table(), destination, started[0],
          started[1], "PENDING", manifest.rows(), null, change, null, outcome.publish().manifestKey(), null, historyRun);
    } catch (RuntimeException e) {
      return new TableLoad(outcome.source(), outcome.database(), outcome.table(), destination, null, null, "FAILED",
          rows, null, change, List.of("ERROR: " + TableLoad.describe(what, e, "")));
    }
  }

  /**
   * A change set: loaded into the staging table (WRITE_TRUNCATE), which CheckLoads then merges into
   * the table. It merges only into a table that exists (BigQuery took a full snapshot first) and
   * never behind what BigQuery already took: a change set whose mark is below the loaded one would
   * set rows back to older values, so it is SUPERSEDED.
   */
  private TableLoad startChangeSet(String what, TableOutcome outcome, Manifest manifest, ChangeMerge merge,
      String destinationTable, String destination) {
    dev.rds2bq.contract.TableState state = states.read(manifest);
    if (state != null && state.loaded() != null && state.loaded().mark() != null && manifest.window().upTo() != null
        && dev.rds2bq.contract.CursorWindow.compareMarks(state.loaded().mark(), manifest.window().upTo()) > 0) {
      String newer = "BigQuery already took " + state.loaded().manifest() + " up to mark " + state.loaded().mark()
          + ", past this change set's " + manifest.window().upTo() + ": merging it would set rows back";
      return new TableLoad(manifest.source(), manifest.database(), manifest.table(), destination, null, null,
          TableLoad.SUPERSEDED, manifest.rows(), null, null, List.of("SKIPPED: " + newer),
          outcome.publish().manifestKey(), null, null, newer);
    }
    if (!tables.exists(what, destinationTable)) {
      throw new InvalidInputException(what + ": " + outcome.publish().manifestKey() + " is a change set, and "
          + destination + " does not exist to merge it into; run the table as a full snapshot (\"modes\": {\""
          + manifest.database() + "." + manifest.table() + "\": \"full\"})");
    }
    if (merge.keyDiff() && manifest.keyFiles() == null) {
      throw new InvalidInputException(what + ": deletes is key_diff, but change set " + outcome.publish().manifestKey()
          + " carries no key files (exported before key_diff was set); run the table as a full snapshot"
          + " (\"modes\": {\"" + manifest.database() + "." + manifest.table() + "\": \"full\"})");
    }
    String change = tables.ensure(manifest);
    if (config.history() == PipelineConfig.History.DAILY) {
      tables.ensureHistory(manifest); // CheckLoads writes the day's partition from the merged table
    }
    String staging = ChangeMerge.stagingTable(destinationTable);
    tables.ensureStaging(manifest, staging);
    String[] started = transfers.startStaging(what + ": starting its staging transfer", manifest.database(),
        manifest.table(), staging, dataPath(what, manifest), publishedAt(manifest));
    String keysRun = null;
    if (merge.keyDiff()) {
      String keys = ChangeMerge.keysTable(destinationTable);
      tables.ensureStaging(manifest, keys, merge.key());
      keysRun = transfers.startStaging(what + ": starting its keys transfer", manifest.database(), manifest.table(),
          keys, layout.keysPath(bucket, manifest), publishedAt(manifest))[1];
    }
    return new TableLoad(manifest.source(), manifest.database(), manifest.table(), destination, started[0],
        started[1], "PENDING", manifest.rows(), null, change, null, outcome.publish().manifestKey(), null, null, null,
        config.projectId() + "." + config.dataset() + "." + staging, null, keysRun);
  }

  private static TableLoad await(Future<TableLoad> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting loads", e);
    }
  }

  private static Instant publishedAt(Manifest m) {
    try {
      return m.publishedAt() == null ? Instant.EPOCH : Instant.parse(m.publishedAt());
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  /**
   * Why this snapshot must not be loaded, or null: the table's {@code _latest.json} names another
   * snapshot, which PublishTable keeps only when it is newer (a later run date, or a later publish of
   * the same date) and the run did not say {@code replaceNewer}. No pointer at all: nothing newer is
   * known, and the load goes on.
   */
  private String newerSnapshot(Manifest m, String manifestKey) {
    String latestKey = layout.latestKey(m);
    byte[] json = store.get(latestKey);
    if (json == null) {
      return null;
    }
    com.fasterxml.jackson.databind.JsonNode latest;
    try {
      latest = JsonHandler.LENIENT.readTree(json);
    } catch (IOException e) {
      throw new InvalidInputException(latestKey + " is not readable JSON; publish the table again");
    }
    if (manifestKey.equals(latest.path("manifest").asText())) {
      return null;
    }
    return latestKey + " names the snapshot of " + latest.path("runDate").asText() + " (run "
        + latest.path("runId").asText() + ", attempt " + latest.path("attempt").asText() + "), newer than this one of "
        + m.runDate() + ": BigQuery keeps it. To load this older snapshot over it, run the date again with"
        + " \"replaceNewer\": true";
  }

  private Manifest manifest(String what, String key, String runId) {
    byte[] json = store.get(key);
    if (json == null) {
      throw new InvalidInputException(what + ": its manifest " + key + " is not in the bucket; publish the table"
          + " again (re-run it) before loading");
    }
    Manifest m;
    try {
      m = JsonHandler.LENIENT.readValue(json, Manifest.class); // newer manifests may add keys
    } catch (IOException e) {
      throw new InvalidInputException(what + ": " + key + " is not a readable manifest: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "; publish the table again");
    }
    if (m == null || !runId.equals(m.runId())) {
      throw new InvalidInputException(what + ": manifest " + key + " belongs to run " + (m == null ? "none" : m.runId())
          + ", not " + runId);
    }
    return m;
  }

  /**
   * The layout's {@code data_path} of the manifest's run folder: the manifest's files are the only
   * Parquet objects there once PublishTable has removed other attempts' strays. A file elsewhere
   * would not be loaded, so it fails the table.
   */
  private String dataPath(String what, Manifest m) {
    if (m.files() == null || m.files().isEmpty()) {
      throw new InvalidInputException(what + ": the manifest lists no files (an empty table still has one)");
    }
    String folder = layout.runFolder(m);
    for (Manifest.File f : m.files()) {
      if (!f.key().startsWith(folder) || f.key().indexOf('/', folder.length()) >= 0) {
        throw new InvalidInputException(what + ": manifest file " + f.key() + " is not in the run folder " + folder
            + " that the load reads");
      }
    }
    return layout.dataPath(bucket, m);
  }
}
