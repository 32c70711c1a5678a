package dev.rds2bq.localgcp;

import com.google.cloud.bigquery.datatransfer.v1.CreateTransferConfigRequest;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceGrpc;
import com.google.cloud.bigquery.datatransfer.v1.GetTransferConfigRequest;
import com.google.cloud.bigquery.datatransfer.v1.GetTransferRunRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferConfigsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferConfigsResponse;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferLogsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferLogsResponse;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.ListTransferRunsResponse;
import com.google.cloud.bigquery.datatransfer.v1.StartManualTransferRunsRequest;
import com.google.cloud.bigquery.datatransfer.v1.StartManualTransferRunsResponse;
import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import com.google.cloud.bigquery.datatransfer.v1.TransferMessage;
import com.google.cloud.bigquery.datatransfer.v1.TransferRun;
import com.google.cloud.bigquery.datatransfer.v1.TransferState;
import com.google.cloud.bigquery.datatransfer.v1.UpdateTransferConfigRequest;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A BigQuery Data Transfer Service for the {@code amazon_s3} source, on loopback. It checks requests
 * the way the service documents them (resource names, the data source, the required params, the
 * S3 URI form) and, when a run starts, really loads the Parquet files it finds in S3, read with the
 * transfer's own access key, into the {@link Warehouse}. Run states move PENDING → RUNNING → a
 * terminal state, as a client polling the real service sees them; no timer moves them. With
 * {@link Pace#IMMEDIATE} a started run goes on at once on the service's own thread (the local run,
 * the state machine tests); with {@link Pace#MANUAL} it stays PENDING until the test calls
 * {@link #runPending}, so a test sees exactly the states it asks for, however slow the machine.
 */
public final class LocalDataTransferService extends DataTransferServiceGrpc.DataTransferServiceImplBase {
  static final String DATA_SOURCE = "amazon_s3";
  private static final Set<String> REQUIRED_PARAMS =
      Set.of("destination_table_name_template", "data_path", "access_key_id", "secret_access_key", "file_format");
  private static final Set<String> KNOWN_PARAMS = Set.of("destination_table_name_template", "data_path",
      "access_key_id", "secret_access_key", "file_format", "write_disposition", "decimal_target_types",
      "max_bad_records", "ignore_unknown_values", "field_delimiter", "skip_leading_rows", "allow_quoted_newlines",
      "allow_jagged_rows", "parquet_enum_as_string", "parquet_enable_list_inference");
  private static final Set<String> FILE_FORMATS = Set.of("CSV", "JSON", "AVRO", "PARQUET", "ORC");
  private static final Pattern PARENT = Pattern.compile("projects/([^/]+)/locations/([^/]+)");
  private static final Pattern CONFIG_NAME = Pattern.compile("projects/([^/]+)/locations/([^/]+)/transferConfigs/([^/]+)");
  private static final Pattern RUN_NAME = Pattern.compile("(projects/[^/]+/locations/[^/]+/transferConfigs/[^/]+)/runs/([^/]+)");
  private static final Pattern S3_URI = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/.*)?");

  /** When a started run leaves PENDING. */
  public enum Pace {
    /** At once, on the service's loader thread. */
    IMMEDIATE,
    /** When the test calls {@link #runPending}. */
    MANUAL
  }

  private final Warehouse warehouse;
  private final URI s3Endpoint;
  private final Pace pace;
  private final Map<String, Runnable> pending = new LinkedHashMap<>();
  private final Map<String, TransferConfig> configs = new ConcurrentHashMap<>();
  private final Map<String, List<String>> runsByConfig = new ConcurrentHashMap<>();
  private final Map<String, TransferRun> runs = new ConcurrentHashMap<>();
  private final Map<String, List<TransferMessage>> logs = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(1000);
  private final Faults faults = new Faults();
  private final Map<String, String> alterAfterLoad = new ConcurrentHashMap<>();
  private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "local-dts-loader");
    t.setDaemon(true);
    return t;
  });
  private final List<String> startedRuns = new CopyOnWriteArrayList<>();

  /**
   * @param s3Endpoint the S3 stand-in the runs read from, with the transfer's access key
   * @param pace whether started runs go on at once or when the test says
   */
  public LocalDataTransferService(Warehouse warehouse, URI s3Endpoint, Pace pace) {
    this.warehouse = warehouse;
    this.s3Endpoint = s3Endpoint;
    this.pace = pace;
  }

  /**
   * {@link Pace#MANUAL}: runs each named run that is still PENDING to its end (RUNNING, then
   * SUCCEEDED or FAILED), in the order given, on the caller's thread; returns how many ran. Runs of
   * other tests stay as they are.
   */
  public int runPending(java.util.Collection<String> runNames) {
    int ran = 0;
    for (String name : runNames) {
      Runnable due;
      synchronized (pending) {
        due = pending.remove(name);
      }
      if (due != null) {
        due.run();
        ran++;
      }
    }
    return ran;
  }

  /**
   * After the next load into {@code dataset.table}, runs {@code duckSql} on the warehouse once: a
   * load that changes values while keeping the row count (a conversion BigQuery would apply), for
   * the tests of the load receipts.
   */
  public void alterAfterLoad(String dataset, String table, String duckSql) {
    alterAfterLoad.put(dataset + "." + table, duckSql);
  }

  /** Names of the runs started for one transfer config, in order. */
  public List<String> startedRuns(String configName) {
    return startedRuns.stream().filter(r -> r.startsWith(configName + "/runs/")).toList();
  }

  /** Makes the next {@code times} calls of {@code method} (e.g. "StartManualTransferRuns") fail with {@code code}. */
  public Faults faults() {
    return faults;
  }

  /** Names of every run started, in order: tests check that a re-start did not add one. */
  public List<String> startedRuns() {
    return List.copyOf(startedRuns);
  }

  public List<TransferConfig> configs() {
    return List.copyOf(configs.values());
  }

  @Override
  public void createTransferConfig(CreateTransferConfigRequest request, StreamObserver<TransferConfig> out) {
    call("CreateTransferConfig", out, () -> {
      var parent = PARENT.matcher(request.getParent());
      if (!parent.matches()) {
        throw invalid("parent must be projects/{project}/locations/{location}; got '" + request.getParent() + "'");
      }
      TransferConfig config = request.getTransferConfig();
      validate(config, parent.group(2));
      String name = request.getParent() + "/transferConfigs/" + Long.toHexString(ids.incrementAndGet());
      TransferConfig stored = config.toBuilder().setName(name).setState(TransferState.SUCCEEDED)
          .setUpdateTime(now()).setDatasetRegion(parent.group(2)).build();
      configs.put(name, stored);
      return stored;
    });
  }

  @Override
  public void updateTransferConfig(UpdateTransferConfigRequest request, StreamObserver<TransferConfig> out) {
    call("UpdateTransferConfig", out, () -> {
      TransferConfig old = existingConfig(request.getTransferConfig().getName());
      if (request.getUpdateMask().getPathsCount() == 0) {
        throw invalid("update_mask is required");
      }
      TransferConfig.Builder merged = old.toBuilder();
      TransferConfig change = request.getTransferConfig();
      for (String path : request.getUpdateMask().getPathsList()) {
        switch (path) {
          case "params" -> merged.setParams(change.getParams());
          case "display_name" -> merged.setDisplayName(change.getDisplayName());
          case "destination_dataset_id" -> merged.setDestinationDatasetId(change.getDestinationDatasetId());
          case "schedule" -> merged.setSchedule(change.getSchedule());
          case "schedule_options" -> merged.setScheduleOptions(change.getScheduleOptions());
          case "disabled" -> merged.setDisabled(change.getDisabled());
          default -> throw invalid("update_mask path '" + path + "' cannot be updated");
        }
      }
      var name = CONFIG_NAME.matcher(old.getName());
      name.matches();
      TransferConfig updated = merged.setUpdateTime(now()).build();
      validate(updated, name.group(2));
      configs.put(updated.getName(), updated);
      return updated;
    });
  }

  @Override
  public void getTransferConfig(GetTransferConfigRequest request, StreamObserver<TransferConfig> out) {
    call("GetTransferConfig", out, () -> existingConfig(request.getName()));
  }

  @Override
  public void listTransferConfigs(ListTransferConfigsRequest request, StreamObserver<ListTransferConfigsResponse> out) {
    call("ListTransferConfigs", out, () -> {
      if (!PARENT.matcher(request.getParent()).matches()) {
        throw invalid("parent must be projects/{project}/locations/{location}; got '" + request.getParent() + "'");
      }
      List<TransferConfig> found = configs.values().stream()
          .filter(c -> c.getName().startsWith(request.getParent() + "/transferConfigs/"))
          .filter(c -> request.getDataSourceIdsCount() == 0 || request.getDataSourceIdsList().contains(c.getDataSourceId()))
          .sorted(java.util.Comparator.comparing(TransferConfig::getName))
          .map(LocalDataTransferService::withoutSecret)
          .toList();
      return ListTransferConfigsResponse.newBuilder().addAllTransferConfigs(found).build();
    });
  }

  @Override
  public void startManualTransferRuns(StartManualTransferRunsRequest request,
      StreamObserver<StartManualTransferRunsResponse> out) {
    call("StartManualTransferRuns", out, () -> {
      TransferConfig config = existingConfig(request.getParent());
      if (!request.hasRequestedRunTime() && !request.hasRequestedTimeRange()) {
        throw invalid("one of requested_run_time or requested_time_range is required");
      }
      String runName = config.getName() + "/runs/" + Long.toHexString(ids.incrementAndGet());
      Timestamp runTime = request.hasRequestedRunTime() ? request.getRequestedRunTime() : now();
      TransferRun run = TransferRun.newBuilder().setName(runName).setScheduleTime(runTime).setRunTime(runTime)
          .setParams(withoutSecret(config).getParams()).setDataSourceId(config.getDataSourceId())
          .setDestinationDatasetId(config.getDestinationDatasetId()).setState(TransferState.PENDING)
          .setUpdateTime(now()).build();
      runs.put(runName, run);
      logs.put(runName, new CopyOnWriteArrayList<>());
      runsByConfig.computeIfAbsent(config.getName(), k -> new CopyOnWriteArrayList<>()).add(runName);
      startedRuns.add(runName);
      log(runName, TransferMessage.MessageSeverity.INFO, "Dispatched run to data source with id " + runName);
      if (pace == Pace.IMMEDIATE) {
        loader.submit(() -> execute(runName, config));
      } else {
        synchronized (pending) {
          pending.put(runName, () -> execute(runName, config));
        }
      }
      return StartManualTransferRunsResponse.newBuilder().addRuns(run).build();
    });
  }

  @Override
  public void getTransferRun(GetTransferRunRequest request, StreamObserver<TransferRun> out) {
    call("GetTransferRun", out, () -> existingRun(request.getName()));
  }

  @Override
  public void listTransferRuns(ListTransferRunsRequest request, StreamObserver<ListTransferRunsResponse> out) {
    call("ListTransferRuns", out, () -> {
      existingConfig(request.getParent());
      List<TransferRun> found = new ArrayList<>();
      for (String name : runsByConfig.getOrDefault(request.getParent(), List.of())) {
        TransferRun run = runs.get(name);
        if (request.getStatesCount() == 0 || request.getStatesList().contains(run.getState())) {
          found.add(run);
        }
      }
      java.util.Collections.reverse(found); // newest first, as the service lists them
      return ListTransferRunsResponse.newBuilder().addAllTransferRuns(found).build();
    });
  }

  @Override
  public void listTransferLogs(ListTransferLogsRequest request, StreamObserver<ListTransferLogsResponse> out) {
    call("ListTransferLogs", out, () -> {
      existingRun(request.getParent());
      List<TransferMessage> found = logs.getOrDefault(request.getParent(), List.of()).stream()
          .filter(m -> request.getMessageTypesCount() == 0 || request.getMessageTypesList().contains(m.getSeverity()))
          .toList();
      return ListTransferLogsResponse.newBuilder().addAllTransferMessages(found).build();
    });
  }

  /** The load itself, off the request thread: RUNNING, then the outcome. */
  private void execute(String runName, TransferConfig config) {
    try {
      setState(runName, TransferState.RUNNING, null);
      Map<String, String> p = params(config);
      TransferRun started = runs.get(runName);
      RuntimeParameters.Destination destination = RuntimeParameters.Destination.of(RuntimeParameters.render(
          p.get("destination_table_name_template"), Instant.ofEpochSecond(started.getRunTime().getSeconds(),
              started.getRunTime().getNanos())));
      String table = destination.table();
      String dataset = config.getDestinationDatasetId();
      if (warehouse.table(dataset, table).isEmpty()) {
        fail(runName, "Not found: Table " + dataset + "." + table + " was not found in location "
            + config.getDatasetRegion() + ". Create the destination table before the transfer runs.");
        return;
      }
      List<Path> files = download(runName, p);
      String refused = files.isEmpty() ? null
          : ParquetLoadRules.refusal(warehouse.parquetColumns(files), warehouse.table(dataset, table).orElseThrow());
      if (refused != null) {
        for (Path f : files) {
          Files.deleteIfExists(f);
        }
        fail(runName, "Error while reading data, error message: " + refused);
        return;
      }
      boolean truncate = "WRITE_TRUNCATE".equals(p.getOrDefault("write_disposition", "WRITE_APPEND"));
      // No matching file: nothing is loaded and the table is left as it was, truncate or not.
      long rows = files.isEmpty() ? 0 : warehouse.load(dataset, table, files, truncate, destination.day());
      String altered = alterAfterLoad.remove(dataset + "." + table);
      if (altered != null) {
        warehouse.execute(altered);
      }
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      log(runName, TransferMessage.MessageSeverity.INFO, "Job bqts_" + runName.substring(runName.lastIndexOf('/') + 1)
          + " (table " + table + ") completed successfully. Number of records: " + rows + ", with errors: 0.");
      setState(runName, TransferState.SUCCEEDED, null);
    } catch (Exception e) {
      fail(runName, "Error while reading data, error message: " + e.getMessage());
    }
  }

  private List<Path> download(String runName, Map<String, String> p) throws Exception {
    var uri = S3_URI.matcher(p.get("data_path"));
    uri.matches();
    String bucket = uri.group(1);
    String path = uri.group(2) == null ? "" : uri.group(2).substring(1);
    int star = path.indexOf('*');
    String listPrefix = star < 0 ? path : path.substring(0, star);
    Pattern glob = Pattern.compile(star < 0 ? Pattern.quote(path) + ".*"
        : Pattern.quote(path.substring(0, star)) + ".*" + Pattern.quote(path.substring(star + 1)));
    List<Path> files = new ArrayList<>();
    try (S3Client s3 = S3Client.builder().endpointOverride(s3Endpoint).region(Region.US_EAST_1).forcePathStyle(true)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(p.get("access_key_id"), p.get("secret_access_key"))))
        .build()) {
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listPrefix)).contents()) {
        if (glob.matcher(o.key()).matches() && !o.key().endsWith("/")) {
          Path local = Files.createTempFile("local-dts-", ".parquet");
          Files.write(local, s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray());
          files.add(local);
        }
      }
    }
    log(runName, TransferMessage.MessageSeverity.INFO, "Moving " + files.size() + " file(s) from "
        + p.get("data_path") + " to the destination table.");
    if (files.isEmpty()) {
      log(runName, TransferMessage.MessageSeverity.WARNING, "No files found matching: \"" + p.get("data_path") + "\"");
    }
    return files;
  }

  private void fail(String runName, String message) {
    log(runName, TransferMessage.MessageSeverity.ERROR, message);
    setState(runName, TransferState.FAILED, com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.INVALID_ARGUMENT.value()).setMessage(message).build());
  }

  private void setState(String runName, TransferState state, com.google.rpc.Status error) {
    runs.computeIfPresent(runName, (k, run) -> {
      TransferRun.Builder b = run.toBuilder().setState(state).setUpdateTime(now());
      if (state == TransferState.RUNNING) {
        b.setStartTime(now());
      }
      if (state == TransferState.SUCCEEDED || state == TransferState.FAILED) {
        b.setEndTime(now());
      }
      if (error != null) {
        b.setErrorStatus(error);
      }
      return b.build();
    });
  }

  private void log(String runName, TransferMessage.MessageSeverity severity, String text) {
    logs.computeIfAbsent(runName, k -> new CopyOnWriteArrayList<>()).add(TransferMessage.newBuilder()
        .setMessageTime(now()).setSeverity(severity).setMessageText(text).build());
  }

  private void validate(TransferConfig config, String location) {
    if (!DATA_SOURCE.equals(config.getDataSourceId())) {
      throw invalid("Data source '" + config.getDataSourceId() + "' is not supported here; use '" + DATA_SOURCE + "'");
    }
    if (config.getDestinationDatasetId().isEmpty()) {
      throw invalid("destination_dataset_id is required");
    }
    var dataset = warehouse.dataset(config.getDestinationDatasetId());
    if (dataset.isEmpty()) {
      throw Status.NOT_FOUND.withDescription("Not found: Dataset " + config.getDestinationDatasetId()).asRuntimeException();
    }
    if (!dataset.get().location().equalsIgnoreCase(location)) {
      throw invalid("Cannot create a transfer in location " + location + " for dataset "
          + config.getDestinationDatasetId() + " in location " + dataset.get().location());
    }
    Map<String, String> p = params(config);
    for (String key : p.keySet()) {
      if (!KNOWN_PARAMS.contains(key)) {
        throw invalid("Unknown parameter: " + key);
      }
    }
    for (String key : REQUIRED_PARAMS) {
      if (p.getOrDefault(key, "").isBlank()) {
        throw invalid("Missing required parameter: " + key);
      }
    }
    try {
      RuntimeParameters.Destination.of(RuntimeParameters.render(p.get("destination_table_name_template"), Instant.EPOCH));
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    var uri = S3_URI.matcher(p.get("data_path"));
    if (!uri.matches()) {
      throw invalid("data_path must be an Amazon S3 URI of the form s3://bucket/folder/...; got '" + p.get("data_path") + "'");
    }
    if (p.get("data_path").chars().filter(c -> c == '*').count() > 1) {
      throw invalid("data_path may contain at most one wildcard");
    }
    if (!FILE_FORMATS.contains(p.get("file_format"))) {
      throw invalid("file_format must be one of " + FILE_FORMATS + "; got '" + p.get("file_format") + "'");
    }
    String disposition = p.getOrDefault("write_disposition", "WRITE_APPEND");
    if (!disposition.equals("WRITE_APPEND") && !disposition.equals("WRITE_TRUNCATE")) {
      throw invalid("write_disposition must be WRITE_APPEND or WRITE_TRUNCATE; got '" + disposition + "'");
    }
    for (String t : p.getOrDefault("decimal_target_types", "NUMERIC").split(",")) {
      if (!Set.of("NUMERIC", "BIGNUMERIC", "STRING").contains(t.trim())) {
        throw invalid("decimal_target_types: unknown type '" + t + "'");
      }
    }
  }

  /** A config's params as text, as the service reads them. */
  public static Map<String, String> params(TransferConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : config.getParams().getFieldsMap().entrySet()) {
      Value v = e.getValue();
      out.put(e.getKey(), v.hasStringValue() ? v.getStringValue()
          : v.hasNumberValue() ? String.valueOf((long) v.getNumberValue())
          : v.hasBoolValue() ? String.valueOf(v.getBoolValue()) : v.toString());
    }
    return out;
  }

  /** The service never returns the secret access key it was given. */
  private static TransferConfig withoutSecret(TransferConfig config) {
    Struct params = config.getParams().toBuilder().removeFields("secret_access_key").build();
    return config.toBuilder().setParams(params).build();
  }

  private TransferConfig existingConfig(String name) {
    if (!CONFIG_NAME.matcher(name).matches()) {
      throw invalid("transfer config name must be projects/{project}/locations/{location}/transferConfigs/{id}; got '"
          + name + "'");
    }
    TransferConfig c = configs.get(name);
    if (c == null) {
      throw Status.NOT_FOUND.withDescription("Requested entity was not found: " + name).asRuntimeException();
    }
    return c;
  }

  private TransferRun existingRun(String name) {
    if (!RUN_NAME.matcher(name).matches()) {
      throw invalid("run name must be .../transferConfigs/{id}/runs/{id}; got '" + name + "'");
    }
    TransferRun r = runs.get(name);
    if (r == null) {
      throw Status.NOT_FOUND.withDescription("Requested entity was not found: " + name).asRuntimeException();
    }
    return r;
  }

  private static RuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  private static Timestamp now() {
    Instant t = Instant.now();
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private <T> void call(String method, StreamObserver<T> out, Supplier<T> body) {
    try {
      faults.check(method);
      out.onNext(body.get());
      out.onCompleted();
    } catch (io.grpc.StatusRuntimeException e) {
      out.onError(e);
    } catch (RuntimeException e) {
      out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
    }
  }

  /** Failures the tests ask for, per method, each used once. */
  public static final class Faults {
    private final Map<String, List<Status>> planned = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    public void failNext(String method, Status.Code code, int times) {
      List<Status> list = planned.computeIfAbsent(method, k -> new CopyOnWriteArrayList<>());
      for (int i = 0; i < times; i++) {
        list.add(code.toStatus().withDescription("injected " + code + " for " + method));
      }
    }

    /** How many calls of {@code method} arrived, failed ones included. */
    public long calls(String method) {
      return calls.getOrDefault(method, new AtomicLong()).get();
    }

    void check(String method) {
      calls.computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
      List<Status> list = planned.get(method);
      if (list != null && !list.isEmpty()) {
        throw list.remove(0).asRuntimeException();
      }
    }
  }
}
