package dev.rds2bq.load;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.LoadRejectedException;
import dev.rds2bq.publish.Manifest;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * StartLoads: for each published table of the run, reads its manifest, makes the BigQuery table fit
 * the snapshot ({@link DestinationTables}) and starts one DTS run over exactly the manifest's files
 * ({@link TransferLoads}). A table Google refuses is reported FAILED with the reason and the others
 * go on; a transient fault fails the call, which is safe to repeat.
 */
public final class LoadStarter {
  static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final ObjectStore store;
  private final String bucket;
  private final BigQueryConfig config;
  private final DestinationTables tables;
  private final TransferLoads transfers;
  private final Clock clock;

  public LoadStarter(ObjectStore store, String bucket, BigQueryConfig config, GoogleClients clients,
      S3AccessKey accessKey, Clock clock) {
    this.store = store;
    this.bucket = bucket;
    this.config = config;
    this.tables = new DestinationTables(clients.bigQuery(), config);
    this.transfers = new TransferLoads(clients.transfers(), config, accessKey, clock);
    this.clock = clock;
  }

  public LoadsStatus start(StartLoadsRequest request) {
    request.validate();
    List<TableLoad> loads = new ArrayList<>();
    for (TableOutcome outcome : request.tables()) {
      if (!outcome.published()) {
        continue;
      }
      String what = "table " + outcome.database() + "." + outcome.table();
      Manifest manifest = manifest(what, outcome.publish().manifestKey(), request.runId());
      String destinationTable = config.tableFor(manifest.database(), manifest.table());
      String destination = config.projectId() + "." + config.dataset() + "." + destinationTable;
      try {
        String change = tables.ensure(manifest);
        String[] started = transfers.start(what + ": starting its transfer", manifest.database(), manifest.table(),
            destinationTable, dataPath(what, manifest));
        loads.add(new TableLoad(manifest.database(), manifest.table(), destination, started[0], started[1], "PENDING",
            manifest.rows(), null, change, null));
      } catch (LoadRejectedException e) {
        loads.add(new TableLoad(manifest.database(), manifest.table(), destination, null, null, "FAILED",
            manifest.rows(), null, null, List.of("ERROR: " + e.getMessage())));
      }
    }
    boolean done = loads.stream().allMatch(TableLoad::terminal);
    return new LoadsStatus(request.runId(), request.runDate(), clock.instant().toString(), done, loads);
  }

  private Manifest manifest(String what, String key, String runId) {
    Manifest m;
    try {
      m = JSON.readValue(store.get(key), Manifest.class);
    } catch (IOException e) {
      throw new InvalidInputException(what + ": " + key + " is not a readable manifest: " + e.getMessage());
    }
    if (!runId.equals(m.runId())) {
      throw new InvalidInputException(what + ": manifest " + key + " belongs to run " + m.runId() + ", not " + runId);
    }
    return m;
  }

  /**
   * {@code s3://bucket/<table's run folder>/*.parquet}: the manifest's files are the only Parquet
   * objects there once PublishTable has removed other attempts' strays.
   */
  private String dataPath(String what, Manifest m) {
    String folder = null;
    for (Manifest.File f : m.files()) {
      String dir = f.key().substring(0, f.key().lastIndexOf('/') + 1);
      if (folder != null && !folder.equals(dir)) {
        throw new InvalidInputException(what + ": manifest files are in two folders, " + folder + " and " + dir);
      }
      folder = dir;
    }
    if (folder == null) {
      throw new InvalidInputException(what + ": the manifest lists no files (an empty table still has one)");
    }
    return "s3://" + bucket + "/" + folder + "*.parquet";
  }
}
