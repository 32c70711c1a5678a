package dev.rds2bq.testing;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.EmbeddedPostgreSql;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.source.Source;
import dev.rds2bq.storage.DiscardingObjectStore;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real servers the tests share: one embedded MariaDB and one S3Proxy per test JVM, started on
 * first use and stopped at exit. Each test works in its own database and bucket.
 */
public final class LocalStack {
  public static final String SOURCE_SECRET = "test/source";
  public static final String HASH_SECRET = "test/hash-key";
  public static final String HASH_KEY = "test-hash-key-0123456789abcdef0123456789";

  private static LocalStack instance;

  public final EmbeddedMySql mysql;
  public final LocalS3 s3;
  public final S3Client s3Client;
  private final Path root;

  private EmbeddedPostgreSql postgres;

  /** The embedded PostgreSQL, started at the first test that needs it and stopped at exit. */
  public synchronized EmbeddedPostgreSql postgres() {
    if (postgres == null) {
      EmbeddedPostgreSql started = EmbeddedPostgreSql.start();
      postgres = started;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    }
    return postgres;
  }

  /** Runs statements in a fresh PostgreSQL database. */
  public void postgresDatabase(String name, String... statements) throws SQLException {
    postgres().recreateDatabase(name);
    try (Connection c = postgres().connect(name); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** A config whose source is the embedded PostgreSQL's {@code database}. */
  public static PipelineConfig postgresConfig(String bucket, String database, String extraYaml) {
    return PipelineConfig.parse("test-config", "bucket: " + bucket + "\n"
        + "prefix: exports\n"
        + "source: {engine: postgresql, database: " + database + ", secretId: " + SOURCE_SECRET + ", tls: disabled, allowWritable: true}\n"
        + "masking: {policyFile: masking.yaml, hashKeySecretId: " + HASH_SECRET + "}\n"
        + extraYaml);
  }

  public Map<String, String> postgresSecrets(String database) {
    Map<String, String> m = new HashMap<>();
    m.put(SOURCE_SECRET, postgres().secretJson(database));
    m.put(HASH_SECRET, HASH_KEY);
    return m;
  }

  /** The embedded PostgreSQL's {@code database} as a source, built as the functions build it. */
  public Source postgresSource(String database) {
    return new Engines(postgresConfig("unused", database, ""), new MapSecretSource(postgresSecrets(database)),
        new DiscardingObjectStore()).source();
  }

  /** An exporter of a {@link #postgresConfig} config. */
  public TableExporter postgresExporter(PipelineConfig config, String database, String policyYaml) {
    MaskingPolicy policy = MaskingPolicy.parse("masking.yaml", policyYaml);
    return new Engines(config, new MapSecretSource(postgresSecrets(database)), store(config.bucket()))
        .exporter(policy, ExportListener.NONE);
  }

  private LocalStack(Path root) {
    this.root = root;
    this.mysql = EmbeddedMySql.start(null);
    this.s3 = LocalS3.start(root.resolve("s3"));
    this.s3Client = s3.client();
  }

  public static synchronized LocalStack get() {
    if (instance == null) {
      try {
        instance = new LocalStack(Files.createTempDirectory("rds2bq-test"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LocalStack started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.s3Client.close();
        started.s3.close();
        started.mysql.close();
      }));
    }
    return instance;
  }

  private boolean sakilaLoaded;

  /** Sakila, loaded once per test JVM; tests only read it. */
  public synchronized void sakila() throws SQLException {
    if (!sakilaLoaded) {
      dev.rds2bq.localstack.DemoData.loadSakila(mysql);
      sakilaLoaded = true;
    }
  }

  /** The demo masking policy that the local run uses (local-stack's demo/masking.yaml). */
  public static String demoPolicy() {
    try (java.io.InputStream in = dev.rds2bq.localstack.DemoData.class.getResourceAsStream("/demo/masking.yaml")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sample inputs of one handler, from events/ (the one source of handler fixtures). */
  public static java.util.List<Path> samples(String handler) {
    try {
      Path folder = Path.of(LocalStack.class.getResource("/events/" + handler).toURI());
      try (java.util.stream.Stream<Path> s = Files.list(folder)) {
        return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      }
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException("events/" + handler + " is missing", e);
    }
  }

  /** Runs statements in a fresh database. */
  public void database(String name, String... statements) throws SQLException {
    mysql.recreateDatabase(name);
    try (Connection c = mysql.connect(name); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private final java.util.concurrent.atomic.AtomicInteger buckets = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * A new, empty bucket whose name starts with {@code name} and is used by no other test: use the
   * name returned. No test sees what another left behind.
   */
  public String bucket(String name) {
    String unique = name + "-" + buckets.incrementAndGet();
    s3.createBucket(unique);
    return unique;
  }

  public ObjectStore store(String bucket) {
    return new S3ObjectStore(s3Client, bucket, 5 * 1024 * 1024);
  }

  /** Where S3Proxy keeps an object, for DuckDB to read as an independent reader. */
  public Path file(String bucket, String key) {
    return root.resolve("s3").resolve(bucket).resolve(key);
  }

  public static PipelineConfig config(String bucket, String extraYaml) {
    return PipelineConfig.parse("test-config", "bucket: " + bucket + "\n"
        + "prefix: exports\n"
        + "source: {secretId: " + SOURCE_SECRET + ", tls: disabled, allowWritable: true}\n"
        + "masking: {policyFile: masking.yaml, hashKeySecretId: " + HASH_SECRET + "}\n"
        + extraYaml);
  }

  public Map<String, String> secrets(String database) {
    Map<String, String> m = new HashMap<>();
    m.put(SOURCE_SECRET, mysql.secretJson(database));
    m.put(HASH_SECRET, HASH_KEY);
    return m;
  }

  /** The test server as a source, logged in for {@code database}, built as the functions build it. */
  public Source source(String database) {
    return new Engines(config("unused", ""), new MapSecretSource(secrets(database)), new DiscardingObjectStore())
        .source();
  }

  public TableExporter exporter(PipelineConfig config, String database, String policyYaml) {
    return exporter(config, database, policyYaml, store(config.bucket()));
  }

  /** An exporter that logs in with {@code sourceSecretJson} (another port, another login) instead. */
  public TableExporter exporterWithLogin(PipelineConfig config, String sourceSecretJson, String policyYaml) {
    Map<String, String> secrets = new HashMap<>();
    secrets.put(SOURCE_SECRET, sourceSecretJson);
    secrets.put(HASH_SECRET, HASH_KEY);
    return new Engines(config, new MapSecretSource(secrets), store(config.bucket()))
        .exporter(MaskingPolicy.parse("masking.yaml", policyYaml), ExportListener.NONE);
  }

  /**
   * A login of its own (all privileges), in the RDS secret format: a test can then find its own
   * connections in the process list by user, without counting those of other tests.
   */
  public String ownLogin(String user, String database, int port) throws SQLException {
    String password = "pw-" + user;
    try (Connection c = mysql.connect(null); Statement s = c.createStatement()) {
      s.execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
      s.execute("GRANT ALL PRIVILEGES ON *.* TO '" + user + "'@'%'");
    }
    return "{\"host\":\"" + mysql.host() + "\",\"port\":" + port + ",\"username\":\"" + user
        + "\",\"password\":\"" + password + "\",\"dbname\":\"" + database + "\"}";
  }

  public TableExporter exporter(PipelineConfig config, String database, String policyYaml, ObjectStore store) {
    MaskingPolicy policy = MaskingPolicy.parse("masking.yaml", policyYaml);
    return new Engines(config, new MapSecretSource(secrets(database)), store).exporter(policy, ExportListener.NONE);
  }
}
