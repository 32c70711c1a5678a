package dev.rds2bq.load;

import dev.rds2bq.contract.BucketLayout;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.localgcp.LocalGoogleCloud;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.contract.Manifest;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real servers the load tests run against, started once: S3Proxy on a temporary folder, and the
 * DTS and BigQuery stand-ins over a DuckDB warehouse. Snapshots are published the way PublishTable
 * leaves them (Parquet files and {@code _manifest.json} under one run folder); the Parquet files are
 * written by DuckDB, a writer independent of the export engine.
 *
 * <p>Nothing here waits on time: transfer runs stay PENDING until {@link #waitDone} runs them
 * ({@code Pace.MANUAL}), and publish times, StartLoads and CheckLoads read {@link #clock}, which only
 * the tests move.
 */
final class LoadTestbed {
  static final String BUCKET = "load-tests";
  static final String PREFIX = "rds2bq";
  static final String PROJECT = "local-project";
  static final ObjectMapper JSON = new ObjectMapper();
  private static LoadTestbed instance;

  final Path root;
  final LocalS3 s3;
  final LocalGoogleCloud google;
  final S3Client s3Client;
  /** The time of publishes, starts and checks; moved by the tests only. */
  final TestClock clock = new TestClock(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));

  private LoadTestbed() throws IOException {
    root = Files.createTempDirectory("rds2bq-load-tests");
    s3 = LocalS3.start(root.resolve("s3"));
    s3.createBucket(BUCKET);
    s3Client = s3.client();
    google = new LocalGoogleCloud(root.resolve("warehouse.duckdb"), s3.endpoint(),
        dev.rds2bq.localgcp.LocalDataTransferService.Pace.MANUAL);
  }

  static synchronized LoadTestbed get() {
    if (instance == null) {
      try {
        instance = new LoadTestbed();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  static BigQueryConfig bigQuery(String dataset, PipelineConfig.WriteDisposition disposition,
      PipelineConfig.SchemaChanges changes) {
    return new BigQueryConfig(PROJECT, "US", dataset, null, "google-credentials", "dts-s3-key", disposition, changes,
        null, 5, 3, null);
  }

  static RetryPolicy fastRetries() {
    return new RetryPolicy(Duration.ofSeconds(5), 3, Duration.ofMillis(20), Duration.ofMillis(100));
  }

  GoogleClients clients(BigQueryConfig config) {
    return GoogleClients.local(config, google.transferEndpoint(), google.bigQueryHost(), fastRetries());
  }

  S3AccessKey goodKey() {
    return new S3AccessKey(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
  }

  LoadStarter starter(BigQueryConfig config, GoogleClients clients, S3AccessKey key) {
    return new LoadStarter(new S3ObjectStore(s3Client, BUCKET, 8 << 20), BUCKET, new BucketLayout(PREFIX), config, clients, key, clock);
  }

  LoadChecker checker(BigQueryConfig config, GoogleClients clients) {
    return new LoadChecker(config, clients, Duration.ofMinutes(30), clock);
  }

  /** A column of a published snapshot: its BigQuery declaration and the SQL expression DuckDB writes. */
  record Col(String name, String bigQueryType, String duckExpression, String description) {}

  /**
   * Publishes {@code rowsPerFile.length} Parquet files for {@code database.table} of {@code runId}
   * (column values computed from {@code i}, the row number), and its manifest; returns the outcome
   * StartLoads receives.
   */
  TableOutcome publish(String database, String table, String runId, List<Col> columns, int... rowsPerFile)
      throws Exception {
    String folder = PREFIX + "/" + database + "/" + table + "/dt=2026-11-26/run=" + runId + "/attempt=1/";
    List<Manifest.File> files = new ArrayList<>();
    long total = 0;
    int start = 0;
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (int f = 0; f < rowsPerFile.length; f++) {
        StringBuilder select = new StringBuilder("SELECT ");
        for (int c = 0; c < columns.size(); c++) {
          select.append(c == 0 ? "" : ", ").append(columns.get(c).duckExpression()).append(" AS \"")
              .append(columns.get(c).name()).append('"');
        }
        select.append(" FROM range(").append(start).append(", ").append(start + rowsPerFile[f]).append(") t(i)");
        Path local = Files.createTempFile(root, "part", ".parquet");
        Files.delete(local);
        try (Statement s = duck.createStatement()) {
          s.execute("COPY (" + select + ") TO '" + local + "' (FORMAT PARQUET)");
        }
        String key = folder + String.format("part-full-%05d.parquet", f);
        s3Client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromFile(local));
        files.add(new Manifest.File(key, Files.size(local), rowsPerFile[f], "full"));
        total += rowsPerFile[f];
        start += rowsPerFile[f];
      }
    }
    List<Manifest.BigQueryField> schema = columns.stream()
        .map(c -> new Manifest.BigQueryField(c.name(), c.bigQueryType(), "NULLABLE", c.description())).toList();
    Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, database, table, "test table " + table, runId, "1",
        "2026-11-26", clock.instant().toString(), total, 0, files, List.of(), schema, List.of(), "fp", "pfp", null,
        Map.of());
    String manifestKey = folder + "_manifest.json";
    s3Client.putObject(b -> b.bucket(BUCKET).key(manifestKey), RequestBody.fromBytes(JSON.writeValueAsBytes(manifest)));
    return new TableOutcome(database, table, TableOutcome.PUBLISHED, new TableOutcome.Published(manifestKey, total,
        files.size()));
  }

  /** Rewrites a published manifest's row total, as a corrupt publish would leave it. */
  void tamperRows(TableOutcome outcome, long rows) throws Exception {
    String key = outcome.publish().manifestKey();
    Manifest m = JSON.readValue(s3Client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray(), Manifest.class);
    Manifest changed = new Manifest(m.formatVersion(), m.database(), m.table(), m.tableComment(), m.runId(), m.attempt(), m.runDate(),
        m.publishedAt(), rows, m.bytes(), m.files(), m.parquetSchema(), m.bigQuerySchema(), m.columns(),
        m.schemaFingerprint(), m.policyFingerprint(), m.hashKeyId(), m.zeroDates());
    s3Client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(JSON.writeValueAsBytes(changed)));
  }

  /** Rewrites a published manifest without its file list, as a broken publish would leave it. */
  void dropFiles(TableOutcome outcome) throws Exception {
    String key = outcome.publish().manifestKey();
    com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode)
        JSON.readTree(s3Client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
    m.putArray("files");
    s3Client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(JSON.writeValueAsBytes(m)));
  }

  /**
   * Runs the pending transfer runs of {@code status} to their end, then checks once: every load must be terminal then.
   * A load still going would be a stand-in or checker fault, not something to wait out.
   */
  LoadsStatus waitDone(LoadChecker checker, LoadsStatus status) {
    google.transfers().runPending(status.loads().stream().map(TableLoad::runName).filter(java.util.Objects::nonNull)
        .toList());
    LoadsStatus checked = checker.check(status);
    if (!checked.done()) {
      throw new AssertionError("loads not done after their transfer runs ended: " + checked.loads());
    }
    return checked;
  }

  /** A clock that moves only when told. */
  static final class TestClock extends Clock {
    private volatile java.time.Instant now;

    TestClock(java.time.Instant start) {
      now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
