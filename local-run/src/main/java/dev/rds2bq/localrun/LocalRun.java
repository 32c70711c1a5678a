package dev.rds2bq.localrun;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.Rds2bqException;
import dev.rds2bq.export.ExportEngines;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.ExportRequest;
import dev.rds2bq.export.ExportResult;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.export.KeyRange;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.plan.RunPlan;
import dev.rds2bq.plan.RunPlanner;
import dev.rds2bq.publish.PublishRequest;
import dev.rds2bq.publish.PublishResult;
import dev.rds2bq.publish.TablePublisher;
import dev.rds2bq.source.SourceConnector;
import dev.rds2bq.source.SqlIdentifiers;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * The README's run command: a whole export on one machine, with the real engine, a real MariaDB and
 * a real S3 API over a folder. Prints progress per table, then a summary checked against the source
 * and against the Parquet footers, and exits non-zero if any table failed.
 */
public final class LocalRun {
  static final String BUCKET = "rds2bq-local";
  static final String SOURCE_SECRET = "local/source";
  static final String HASH_SECRET = "local/hash-key";
  /** Not a secret: the demo's hashes only need to be stable between local runs. */
  static final String DEMO_HASH_KEY = "rds2bq-local-demo-key-not-for-production-0001";

  private final PrintStream out;

  LocalRun(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    LocalRunOptions options;
    try {
      options = LocalRunOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("rds2bq-local: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(LocalRunOptions.USAGE);
      return;
    }
    int failed;
    try {
      failed = new LocalRun(System.out).run(options);
    } catch (Rds2bqException | IllegalArgumentException e) {
      System.err.println("rds2bq-local: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      System.exit(1);
      return;
    } catch (Exception e) {
      System.err.println("rds2bq-local: failed: " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Runs the export and returns how many tables failed. */
  int run(LocalRunOptions o) throws Exception {
    long started = System.nanoTime();
    String runId = "local-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    Path s3Root = o.dataDir().resolve("s3").toAbsolutePath();
    try (LocalS3 s3 = LocalS3.start(s3Root); EmbeddedMySql embedded = o.jdbcUrl() == null ? startDemo(o) : null) {
      s3.createBucket(BUCKET);
      Map<String, String> secrets = new HashMap<>();
      List<String> databases;
      if (embedded != null) {
        secrets.put(SOURCE_SECRET, embedded.secretJson(DemoData.SAKILA));
        databases = o.databases().isEmpty() ? List.of(DemoData.HEALTHAPP, DemoData.SAKILA) : o.databases();
      } else {
        JdbcTarget target = JdbcTarget.parse(o.jdbcUrl());
        secrets.put(SOURCE_SECRET, target.secretJson(o.user(), System.getenv().getOrDefault("RDS2BQ_SOURCE_PASSWORD", "")));
        databases = !o.databases().isEmpty() ? o.databases() : target.database() == null ? List.of() : List.of(target.database());
        if (databases.isEmpty()) {
          throw new IllegalArgumentException("--jdbc-url names no database; add one to the URL or pass --databases");
        }
      }
      secrets.put(HASH_SECRET, System.getenv().getOrDefault("RDS2BQ_HASH_KEY", DEMO_HASH_KEY));

      long rowsPerRange = o.rowsPerRange();
      PipelineConfig config = PipelineConfig.parse("local run", "bucket: " + BUCKET + "\nprefix: exports\n"
          + "source: {secretId: " + SOURCE_SECRET + ", tls: disabled}\n"
          + "masking: {policyFile: masking.yaml, hashKeySecretId: " + HASH_SECRET + "}\n"
          + "databases: [" + String.join(", ", databases) + "]\n"
          + "planning: {rowsPerRange: " + rowsPerRange + ", bigTableRows: " + rowsPerRange + "}\n");
      MaskingPolicy policy = readPolicy(o.policy());
      MapSecretSource secretSource = new MapSecretSource(secrets);
      S3ObjectStore store = new S3ObjectStore(s3.client(), BUCKET, config.parquet().uploadPartMiB() << 20);
      TableExporter exporter = ExportEngines.create(config, policy, secretSource, store, new Progress(out));
      SourceConnector connector = new SourceConnector(
          dev.rds2bq.config.DatabaseSecret.parse(SOURCE_SECRET, secrets.get(SOURCE_SECRET)), config.source());

      // The same three steps as the state machine: plan (which refuses a run with an undecided
      // personal column), export every range, publish every table whose ranges all succeeded.
      RunPlan plan = new RunPlanner(config, connector, policy, store, Clock.systemUTC())
          .plan(new PlanInput(o.tables(), o.runDate().toString(), false, runId, null));
      out.printf("%nrun %s, run date %s: %d tables, %d ranges, from %s%n%n", runId, plan.runDate(), plan.tableCount(),
          plan.rangeCount(), String.join(", ", databases));
      TablePublisher publisher = new TablePublisher(store, config.prefix(), Clock.systemUTC());
      List<SummaryRow> rows = new ArrayList<>();
      List<Object> outputs = new ArrayList<>();
      outputs.add(plan);
      int failed = 0;
      for (RunPlan.TablePlan t : plan.tables()) {
        long sourceRows = countRows(connector, t.database(), t.table());
        List<KeyRange> ranges = t.ranges().isEmpty() ? java.util.Collections.singletonList(null) : t.ranges();
        try {
          List<ExportResult> results = new ArrayList<>();
          for (KeyRange range : ranges) {
            results.add(exporter.export(new ExportRequest(runId, plan.runDate(), t.database(), t.table(), range)));
          }
          outputs.addAll(results);
          PublishResult published = publisher.publish(new PublishRequest(runId, plan.runDate(), t.database(),
              t.table(), t.expectedRanges(), results));
          outputs.add(published);
          long parquetRows = 0;
          for (ExportResult r : results) {
            for (ExportResult.FileEntry f : r.files()) {
              parquetRows += footerRows(s3Root.resolve(BUCKET).resolve(f.key()));
            }
          }
          rows.add(SummaryRow.of(results, sourceRows, parquetRows, published));
        } catch (Rds2bqException e) {
          failed++;
          out.printf("  %s.%s FAILED: %s: %s%n", t.database(), t.table(), e.getClass().getSimpleName(), e.getMessage());
          rows.add(SummaryRow.failed(t.database(), t.table(), sourceRows, e.getClass().getSimpleName()));
        }
      }
      // Every handler output of the run (plan, export results, publish results), as the state
      // machine would pass them on: printed with --print-results, always kept next to the data.
      Path resultsFile = o.dataDir().resolve("results").resolve("run=" + runId + ".json").toAbsolutePath();
      java.nio.file.Files.createDirectories(resultsFile.getParent());
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
      json.writeValue(resultsFile.toFile(), outputs);
      if (o.printResults()) {
        out.println(json.writeValueAsString(outputs));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      new Summary(out).print(rows, seconds);
      Path runFolder = s3Root.resolve(BUCKET).resolve("exports");
      out.printf("%nHandler outputs (plan, export and publish results): %s%n", resultsFile);
      out.printf("Files (S3 bucket '%s' on disk): %s/<database>/<table>/dt=%s/run=%s/%n", BUCKET, runFolder,
          o.runDate(), runId);
      out.printf("Query them, e.g. with the DuckDB CLI:%n  duckdb -c \"SELECT * FROM read_parquet('%s/healthapp/users/dt=%s/run=%s/*.parquet', hive_partitioning=false) LIMIT 5\"%n",
          runFolder, o.runDate(), runId);
      if (failed > 0) {
        out.printf("%n%d table(s) failed; see the messages above.%n", failed);
      }
      return failed;
    }
  }

  private EmbeddedMySql startDemo(LocalRunOptions o) throws SQLException {
    out.println("starting embedded MariaDB 11.4 and loading the demo databases (sakila, healthapp)...");
    EmbeddedMySql mysql = EmbeddedMySql.start(null);
    try {
      DemoData.loadSakila(mysql);
      DemoData.createHealthApp(mysql, DemoData.HEALTHAPP, new DemoData.Sizes(o.users(), o.stepLogs(), o.meals()));
    } catch (SQLException | RuntimeException e) {
      mysql.close();
      throw e;
    }
    return mysql;
  }

  private static MaskingPolicy readPolicy(Path file) throws IOException {
    if (file != null) {
      return MaskingPolicy.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }
    try (InputStream in = LocalRun.class.getResourceAsStream("/demo/masking.yaml")) {
      return MaskingPolicy.parse("demo/masking.yaml (local-stack/src/main/resources)",
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static long countRows(SourceConnector connector, String db, String table) throws SQLException {
    try (Connection c = connector.open(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + SqlIdentifiers.quote(db) + "." + SqlIdentifiers.quote(table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Rows as the file's own footer counts them: a check that does not trust the export result. */
  private static long footerRows(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getRecordCount();
    }
  }

  /** host, port and database of a jdbc:mysql:// URL. */
  record JdbcTarget(String host, int port, String database) {
    static JdbcTarget parse(String url) {
      if (!url.startsWith("jdbc:mysql://")) {
        throw new IllegalArgumentException("--jdbc-url must start with jdbc:mysql://, got '" + url + "'");
      }
      URI u = URI.create(url.substring("jdbc:".length()));
      String path = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
      return new JdbcTarget(u.getHost(), u.getPort() < 0 ? 3306 : u.getPort(), path.isEmpty() ? null : path);
    }

    String secretJson(String user, String password) {
      com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      n.put("host", host).put("port", port).put("username", user).put("password", password);
      return n.toString();
    }
  }

  /** Prints rows per table at doubling counts while a table exports. */
  static final class Progress implements ExportListener {
    private final PrintStream out;

    Progress(PrintStream out) {
      this.out = out;
    }

    @Override
    public void progress(ExportRequest request, long rows) {
      out.printf("  %s.%s%s: %,d rows%n", request.database(), request.table(),
          request.range() == null ? "" : " range " + request.range().label(), rows);
    }
  }
}
