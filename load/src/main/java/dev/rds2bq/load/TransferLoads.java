package dev.rds2bq.load;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.DeadlineExceededException;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceClient;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferConfigsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferLogsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ScheduleOptions;
import com.google.cloud.bigquery.datatransfer.v1.StartManualTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferMessage;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Data Transfer Service side of a load: one transfer config per table (found again by its
 * display name), pointed at exactly one run's files, with automatic scheduling off; then one manual
 * run per snapshot. Starting is idempotent: a run already started for the same {@code data_path}
 * (and not failed) is reused, so a retried StartLoads never loads a snapshot twice.
 */
final class TransferLoads {
  static final String DATA_SOURCE = "amazon_s3";
  private final DataTransferServiceClient client;
  private final BigQueryConfig config;
  private volatile S3AccessKey accessKey;
  private final Clock clock;
  private List<TransferConfig> known;

  TransferLoads(DataTransferServiceClient client, BigQueryConfig config, Clock clock) {
    this.client = client;
    this.config = config;
    this.clock = clock;
  }

  String parent() {
    return "projects/" + config.projectId() + "/locations/" + config.location().toLowerCase();
  }

  /** One config per source table and destination: two pipelines into two datasets never share one. */
  static String displayName(String database, String table, String dataset, String destinationTable) {
    return "rds2bq " + database + "." + table + " -> " + dataset + "." + destinationTable;
  }

  /**
   * Begins one StartLoads call: forgets the configs an earlier invocation listed (a warm container
   * must see today's) and takes the access key read for this call.
   */
  synchronized void beginCall(S3AccessKey key) {
    known = null;
    accessKey = key;
  }

  /**
   * The started (or already running) transfer run for this snapshot: {config name, run name}. A run
   * is reused when it has this {@code data_path}, has not failed, and was requested at or after
   * {@code publishedAt}, i.e. it loads these very files and not an earlier publish of the same run id.
   */
  String[] start(String what, String database, String table, String destinationTable, String dataPath,
      java.time.Instant publishedAt) {
    return start(what, displayName(database, table, config.dataset(), destinationTable), destinationTable, dataPath,
        null, run -> run.getRunTime().getSeconds() >= publishedAt.getEpochSecond(), config.writeDisposition().name());
  }

  /**
   * The run that loads a change set into its staging table, always with WRITE_TRUNCATE: the staging
   * table holds one change set, the one its merge applies next.
   */
  String[] startStaging(String what, String database, String table, String stagingTable, String dataPath,
      java.time.Instant publishedAt) {
    return start(what, displayName(database, table, config.dataset(), stagingTable), stagingTable, dataPath,
        null, run -> run.getRunTime().getSeconds() >= publishedAt.getEpochSecond(), "WRITE_TRUNCATE");
  }

  /**
   * The run that loads this snapshot into the day partition {@code runDate} of the history table:
   * the destination ends in DTS's partition decorator ({@code $} and run_time as %Y%m%d), and the run is
   * requested for a time on that day (so the decorator names it, as for a backfill). The second of
   * the day is the publish time's, so a run of an earlier publish of the same run id is told apart
   * and never reused.
   */
  String[] startHistory(String what, String database, String table, String historyTable, String dataPath,
      java.time.Instant publishedAt, java.time.LocalDate runDate) {
    long runTime = runDate.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond()
        + Math.floorMod(publishedAt.getEpochSecond(), 86_400L);
    Timestamp requested = Timestamp.newBuilder().setSeconds(runTime).build();
    return start(what, displayName(database, table, config.dataset(), historyTable),
        historyTable + "${run_time|\"%Y%m%d\"}", dataPath, requested, run -> run.getRunTime().getSeconds() == runTime,
        config.writeDisposition().name());
  }

  private String[] start(String what, String displayName, String destinationTemplate, String dataPath,
      Timestamp requested, java.util.function.Predicate<TransferRun> ofThisPublish, String writeDisposition) {
    TransferConfig desired = TransferConfig.newBuilder()
        .setDisplayName(displayName)
        .setDataSourceId(DATA_SOURCE)
        .setDestinationDatasetId(config.dataset())
        .setParams(params(destinationTemplate, dataPath, writeDisposition))
        .setScheduleOptions(ScheduleOptions.newBuilder().setDisableAutoScheduling(true))
        .build();
    try {
      TransferConfig stored;
      boolean created;
      synchronized (this) {
        stored = findConfig(desired.getDisplayName()).orElse(null);
        created = stored == null;
        if (created) {
          stored = createConfig(desired);
        }
      }
      if (!created) {
        // The listing hides the secret key, so there is nothing to compare: point it at this run's files.
        stored = client.updateTransferConfig(desired.toBuilder().setName(stored.getName()).build(),
            FieldMask.newBuilder().addPaths("params").addPaths("destination_dataset_id")
                .addPaths("schedule_options").build());
      }
      String configName = stored.getName();
      Optional<TransferRun> already = runFor(configName, dataPath, ofThisPublish);
      if (already.isPresent()) {
        return new String[] {configName, already.get().getName()};
      }
      return new String[] {configName, startRun(configName, dataPath, requested, ofThisPublish)};
    } catch (ApiException e) {
      throw LoadErrors.transfer(what, e, config);
    }
  }

  private TransferConfig createConfig(TransferConfig desired) {
    try {
      TransferConfig created = client.createTransferConfig(parent(), desired);
      known.add(created);
      return created;
    } catch (DeadlineExceededException e) {
      // The create may have happened: look before making a second config for the table.
      known = null;
      return findConfig(desired.getDisplayName()).orElseThrow(() -> e);
    }
  }

  private String startRun(String configName, String dataPath, Timestamp requested,
      java.util.function.Predicate<TransferRun> ofThisPublish) {
    Timestamp now = requested != null ? requested
        : Timestamp.newBuilder().setSeconds(clock.instant().getEpochSecond()).build();
    DeadlineExceededException last = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        return client.startManualTransferRuns(StartManualTransferRunsRequest.newBuilder()
            .setParent(configName).setRequestedRunTime(now).build()).getRuns(0).getName();
      } catch (DeadlineExceededException e) {
        // The run may have started even though the answer did not arrive; never start it twice.
        last = e;
        Optional<TransferRun> started = runFor(configName, dataPath, ofThisPublish);
        if (started.isPresent()) {
          return started.get().getName();
        }
      }
    }
    throw last;
  }

  /** A run of this config for this exact data_path, of this publish, not failed or cancelled. */
  private Optional<TransferRun> runFor(String configName, String dataPath,
      java.util.function.Predicate<TransferRun> ofThisPublish) {
    for (TransferRun run : client.listTransferRuns(configName).iterateAll()) {
      Value path = run.getParams().getFieldsMap().get("data_path");
      if (path != null && dataPath.equals(path.getStringValue()) && ofThisPublish.test(run)
          && run.getState() != TransferState.FAILED && run.getState() != TransferState.CANCELLED) {
        return Optional.of(run);
      }
    }
    return Optional.empty();
  }

  private synchronized Optional<TransferConfig> findConfig(String displayName) {
    if (known == null) {
      known = new ArrayList<>();
      client.listTransferConfigs(ListTransferConfigsRequest.newBuilder().setParent(parent())
          .addDataSourceIds(DATA_SOURCE).build()).iterateAll().forEach(known::add);
    }
    // Two configs with one name can only come from an ambiguous create; the oldest name wins, always the same one.
    return known.stream().filter(c -> c.getDisplayName().equals(displayName))
        .min(Comparator.comparing(TransferConfig::getName));
  }

  private Struct params(String destinationTemplate, String dataPath, String writeDisposition) {
    Map<String, String> p = new TreeMap<>();
    p.put("destination_table_name_template", destinationTemplate);
    p.put("data_path", dataPath);
    S3AccessKey key = accessKey;
    p.put("access_key_id", key.accessKeyId());
    p.put("secret_access_key", key.secretAccessKey());
    p.put("file_format", "PARQUET");
    p.put("write_disposition", writeDisposition);
    p.put("decimal_target_types", String.join(",", config.decimalTargetTypes()));
    Struct.Builder s = Struct.newBuilder();
    p.forEach((k, v) -> s.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return s.build();
  }

  /** The run's state as CheckLoads reports it, with the log's warnings and errors when it failed. */
  record RunState(String state, List<String> errors) {}

  RunState state(String what, String runName) {
    try {
      TransferRun run = client.getTransferRun(runName);
      String state = switch (run.getState()) {
        case SUCCEEDED -> "SUCCEEDED";
        case FAILED -> "FAILED";
        case CANCELLED -> "CANCELLED";
        case RUNNING -> "RUNNING";
        default -> "PENDING";
      };
      if (!state.equals("FAILED") && !state.equals("CANCELLED")) {
        return new RunState(state, null);
      }
      List<String> errors = new ArrayList<>();
      for (TransferMessage m : client.listTransferLogs(ListTransferLogsRequest.newBuilder().setParent(runName)
          .addMessageTypes(TransferMessage.MessageSeverity.ERROR)
          .addMessageTypes(TransferMessage.MessageSeverity.WARNING).build()).iterateAll()) {
        errors.add(m.getSeverity() + ": " + m.getMessageText());
      }
      String status = run.getErrorStatus().getMessage();
      if (!status.isEmpty() && errors.stream().noneMatch(e -> e.contains(status))) {
        errors.add("ERROR: " + status);
      }
      return new RunState(state, errors);
    } catch (ApiException e) {
      throw LoadErrors.transfer(what, e, config);
    }
  }
}
