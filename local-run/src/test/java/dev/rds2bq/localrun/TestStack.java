package dev.rds2bq.localrun;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.load.S3AccessKey;
import dev.rds2bq.localgcp.LocalGoogleCloud;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.EmbeddedPostgreSql;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One MariaDB (with Sakila) and one S3Proxy for the state machine tests of this JVM, and a way to run
 * the real definition over the real handlers against them, recording every invocation.
 */
final class TestStack {
  static final String SOURCE_SECRET = "test/source";
  static final String HASH_SECRET = "test/hash-key";
  static final String POSTGRES_SECRET = "test/postgres-source";
  private static TestStack instance;
  private EmbeddedPostgreSql postgres;

  final EmbeddedMySql mysql;
  final LocalS3 s3;
  final LocalGoogleCloud google;
  final Path root;

  private TestStack(Path root) throws SQLException, IOException {
    this.root = root;
    this.mysql = EmbeddedMySql.start(null);
    this.s3 = LocalS3.start(root.resolve("s3"));
    this.google = new LocalGoogleCloud(root.resolve("warehouse.duckdb"), s3.endpoint(),
        dev.rds2bq.localgcp.LocalDataTransferService.Pace.IMMEDIATE);
    DemoData.loadSakila(mysql);
    // The demo policy names both demo databases, and a plan checks every name it gives.
    DemoData.createHealthApp(mysql, DemoData.HEALTHAPP, new DemoData.Sizes(20, 20, 20));
  }

  /** The warehouse dataset of a test bucket: one per test, so that tests do not see each other's tables. */
  static String dataset(String bucket) {
    return bucket.replace('-', '_');
  }

  static synchronized TestStack get() {
    if (instance == null) {
      try {
        instance = new TestStack(Files.createTempDirectory("rds2bq-sm-test"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      TestStack started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.google.close();
        started.s3.close();
        started.mysql.close();
      }));
    }
    return instance;
  }

  void database(String name, String... statements) throws SQLException {
    mysql.recreateDatabase(name);
    try (Connection c = mysql.connect(name); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** The embedded PostgreSQL, started by the first test that needs it and stopped at exit. */
  synchronized EmbeddedPostgreSql postgres() {
    if (postgres == null) {
      EmbeddedPostgreSql started = EmbeddedPostgreSql.start();
      postgres = started;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    }
    return postgres;
  }

  /** Runs statements in a fresh PostgreSQL database. */
  void postgresDatabase(String name, String... statements) throws SQLException {
    postgres().recreateDatabase(name);
    try (Connection c = postgres().connect(name); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  static String demoPolicy() {
    try (InputStream in = DemoData.class.getResourceAsStream("/demo/masking.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config of a test run in its own bucket; {@code extraYaml} adds databases, planning, run and so on. */
  PipelineConfig config(String bucket, String extraYaml) {
    return config(bucket, "{secretId: " + SOURCE_SECRET + ", tls: disabled, allowWritable: true}", extraYaml);
  }

  private PipelineConfig config(String bucket, String source, String extraYaml) {
    s3.createBucket(bucket);
    // The samples in events/ carry fixed run dates (2026-11-xx), which must stay plannable in later years.
    return PipelineConfig.parse("test-config", "bucket: " + bucket + "\nprefix: exports\nmaxBackfillDays: 36500\n"
        + "source: " + source + "\n"
        + "masking: {policyFile: masking.yaml, hashKeySecretId: " + HASH_SECRET + "}\n"
        + "bigquery: {projectId: local-project, dataset: " + dataset(bucket)
        + ", credentialsSecretId: test/google, s3AccessKeySecretId: test/s3-reader}\n" + extraYaml);
  }

  /** The same with the embedded PostgreSQL's {@code database} as the source. */
  PipelineConfig postgresConfig(String bucket, String database, String extraYaml) {
    return config(bucket, "{engine: postgresql, database: " + database + ", secretId: " + POSTGRES_SECRET
        + ", tls: disabled, allowWritable: true}", extraYaml);
  }

  S3ObjectStore store(String bucket) {
    return new S3ObjectStore(s3.client(), bucket, 5 << 20);
  }

  /** The handlers over this stack, as the local run builds them; {@code customize} may wrap or add some. */
  Map<String, RequestStreamHandler> functions(PipelineConfig config, String policyYaml,
      UnaryOperator<Map<String, RequestStreamHandler>> customize) {
    return functions(new Engines(config, secrets(), store(config.bucket())), config, policyYaml, customize);
  }

  /** The same over engines the test built (e.g. with a seal of its own). */
  Map<String, RequestStreamHandler> functions(Engines engines, PipelineConfig config, String policyYaml,
      UnaryOperator<Map<String, RequestStreamHandler>> customize) {
    Map<String, RequestStreamHandler> functions = LocalFunctions.exportAndPublish(engines,
        MaskingPolicy.parse("masking.yaml", policyYaml), ExportListener.NONE, Clock.systemUTC());
    LocalFunctions.addLoads(functions, config, store(config.bucket()), google,
        new S3AccessKey(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY), Clock.systemUTC());
    return customize.apply(functions);
  }

  /** The logins and the hash key of this stack, as the functions read them. */
  MapSecretSource secrets() {
    Map<String, String> logins = new java.util.HashMap<>(Map.of(SOURCE_SECRET, mysql.secretJson("sakila"),
        HASH_SECRET, "test-hash-key-0123456789abcdef0123456789"));
    synchronized (this) {
      if (postgres != null) {
        logins.put(POSTGRES_SECRET, postgres.secretJson("postgres"));
      }
    }
    return new MapSecretSource(logins);
  }

  Path file(String bucket, String key) {
    return root.resolve("s3").resolve(bucket).resolve(key);
  }

  /** Every invocation and interpreter event of one execution. */
  static final class Recorder implements StateMachineRunner.Listener {
    record Call(String function, JsonNode input, JsonNode output, Throwable error) {}

    final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void returned(String function, JsonNode input, JsonNode output, long millis) {
      calls.add(new Call(function, input, output, null));
    }

    @Override
    public void failed(String function, JsonNode input, Throwable error, long millis) {
      calls.add(new Call(function, input, null, error));
    }

    @Override
    public void event(JsonNode event) {
      events.add(event);
    }

    List<Call> of(String function) {
      synchronized (calls) {
        return calls.stream().filter(c -> c.function().equals(function)).toList();
      }
    }

    JsonNode output(String function) {
      List<Call> c = of(function).stream().filter(x -> x.output() != null).toList();
      return c.isEmpty() ? null : c.get(c.size() - 1).output();
    }
  }
}
