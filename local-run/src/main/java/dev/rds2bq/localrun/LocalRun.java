package dev.rds2bq.localrun;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.Rds2bqException;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.contract.RunTable;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.EmbeddedPostgreSql;
import dev.rds2bq.localstack.PostgresDemoData;
import dev.rds2bq.load.S3AccessKey;
import dev.rds2bq.localgcp.LocalDataTransferService;
import dev.rds2bq.localgcp.LocalGoogleCloud;
import dev.rds2bq.localgcp.Warehouse;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.contract.PublishResult;
import dev.rds2bq.plan.PolicyDrafter;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.SourceSnapshot;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
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
 * The README's run command: the real state machine (statemachine/pipeline.asl.json on
 * aws-local-stepfunctions) over the real handlers, a real MariaDB and a real S3 API over a folder.
 * Prints progress per table, then a summary checked against the source and against the Parquet
 * footers, and exits non-zero with the cause if the execution failed.
 */
public final class LocalRun {
  static final String BUCKET = "rds2bq-local";
  static final String SOURCE_SECRET = "local/source";
  /** The demo's two sources: the MariaDB demo databases and the PostgreSQL one, and their logins. */
  static final String MYSQL_SOURCE = "mysql";
  static final String POSTGRES_SOURCE = "postgres";
  static final String MYSQL_SECRET = "local/mysql";
  static final String POSTGRES_SECRET = "local/postgres";
  static final String HASH_SECRET = "local/hash-key";
  /** The DuckDB warehouse plays this BigQuery project and dataset. */
  static final String WAREHOUSE_PROJECT = "local-project";
  static final String WAREHOUSE_DATASET = "rds2bq_local";
  /** Not a secret: the demo's hashes only need to be stable between local runs. */
  static final String DEMO_HASH_KEY = "rds2bq-local-demo-key-not-for-production-0001";

  private final PrintStream out;
  private final Map<String, String> env;

  LocalRun(PrintStream out) {
    this(out, System.getenv());
  }

  /** @param env where RDS2BQ_SOURCE_PASSWORD and RDS2BQ_HASH_KEY are read from */
  LocalRun(PrintStream out, Map<String, String> env) {
    this.out = out;
    this.env = env;
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
    if (options.query() != null) {
      System.exit(new LocalRun(System.out).query(options.dataDir().resolve("warehouse.duckdb"), options.query()));
      return;
    }
    int failed;
    try {
      if (options.initPolicy()) {
        // The policy goes to standard output, progress to standard error: "> masking.yaml" keeps the policy only.
        System.out.print(new LocalRun(System.err).initPolicy(options));
        return;
      }
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

  /**
   * Prints the result of one SQL statement on the warehouse a previous run left, as a text table, with
   * no server started: the local way to look at what BigQuery would hold. Returns the exit code.
   */
  int query(Path warehouseFile, String sql) {
    if (!Files.isRegularFile(warehouseFile)) {
      out.println("no warehouse at " + warehouseFile.toAbsolutePath() + ": run ./rds2bq-local first (or pass --data-dir)");
      return 1;
    }
    try (Warehouse warehouse = new Warehouse(warehouseFile)) {
      List<Map<String, Object>> rows = warehouse.query(sql, List.of());
      if (rows.isEmpty()) {
        out.println("(no rows)");
        return 0;
      }
      List<String> columns = new ArrayList<>(rows.get(0).keySet());
      int[] width = new int[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        width[c] = columns.get(c).length();
        for (Map<String, Object> row : rows) {
          width[c] = Math.min(60, Math.max(width[c], String.valueOf(row.get(columns.get(c))).length()));
        }
      }
      StringBuilder header = new StringBuilder();
      for (int c = 0; c < columns.size(); c++) {
        header.append(String.format("%-" + width[c] + "s  ", columns.get(c)));
      }
      out.println(header.toString().stripTrailing());
      for (Map<String, Object> row : rows) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
          String v = String.valueOf(row.get(columns.get(c)));
          line.append(String.format("%-" + width[c] + "s  ", v.length() > 60 ? v.substring(0, 59) + "…" : v));
        }
        out.println(line.toString().stripTrailing());
      }
      out.printf("(%d row%s)%n", rows.size(), rows.size() == 1 ? "" : "s");
      return 0;
    } catch (IllegalStateException e) {
      out.println("the query failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * A starting masking policy for the source's databases (the demo's, or those of {@code --jdbc-url}),
   * as YAML: the detector's suggestion and reason for every column. Nothing is exported.
   */
  String initPolicy(LocalRunOptions o) throws Exception {
    try (EmbeddedMySql embedded = o.jdbcUrl() == null ? startDemo(o) : null) {
      String secret;
      List<String> databases;
      PipelineConfig.Engine engine = PipelineConfig.Engine.MYSQL;
      String engineDatabase = null;
      if (embedded != null) {
        secret = embedded.secretJson(DemoData.SAKILA);
        databases = o.databases().isEmpty() ? List.of(DemoData.HEALTHAPP, DemoData.SAKILA) : o.databases();
      } else {
        JdbcTarget target = JdbcTarget.parse(o.jdbcUrl());
        secret = target.secretJson(o.user(), env.getOrDefault("RDS2BQ_SOURCE_PASSWORD", ""));
        engine = target.engine();
        if (engine == PipelineConfig.Engine.POSTGRESQL) {
          engineDatabase = target.database();
          databases = o.databases().isEmpty() ? List.of("public") : o.databases();
        } else {
          databases = !o.databases().isEmpty() ? o.databases()
              : target.database() == null ? List.of() : List.of(target.database());
        }
        if (databases.isEmpty()) {
          throw new IllegalArgumentException("--jdbc-url names no database; add one to the URL or pass --databases");
        }
      }
      PipelineConfig.SourceConfig source = new PipelineConfig.SourceConfig(engine, SOURCE_SECRET,
          PipelineConfig.TlsMode.DISABLED, null, null, null, engineDatabase);
      Source connector = Engines.source(source, new MapSecretSource(Map.of(SOURCE_SECRET, secret)));
      out.println("reading the schemas of " + databases + " and sampling their text columns...");
      return new PolicyDrafter(connector, PipelineConfig.ValueScanConfig.defaults()).draft(databases,
          "Starting masking policy for " + String.join(", ", databases) + ", written by rds2bq-local --init-policy.\n"
              + "Every column is listed with the detector's suggestion and why (docs/masking.md). Review each line:\n"
              + "a suggestion is not a decision, and 'not detected' is not 'not personal'.");
    }
  }

  /**
   * Runs the state machine over the local stack and returns how many tables failed. A run that
   * PlanRun refuses (a masking or config problem) throws PlanRun's own exception, as nothing ran.
   */
  int run(LocalRunOptions o) throws Exception {
    long started = System.nanoTime();
    String runId = "local-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    Path s3Root = o.dataDir().resolve("s3").toAbsolutePath();
    Path warehouseFile = o.dataDir().resolve("warehouse.duckdb").toAbsolutePath();
    // The default run shows both engines: the MariaDB demo databases and the PostgreSQL one, as two
    // sources of one config. --databases, --config or --jdbc-url narrow it to a single source.
    boolean twoSources = o.jdbcUrl() == null && o.config() == null && o.databases().isEmpty();
    try (LocalS3 s3 = LocalS3.start(s3Root); EmbeddedMySql embedded = o.jdbcUrl() == null ? startDemo(o) : null;
        EmbeddedPostgreSql postgres = twoSources ? startPostgresDemo(o) : null;
        LocalGoogleCloud google = new LocalGoogleCloud(warehouseFile, s3.endpoint(),
            LocalDataTransferService.Pace.IMMEDIATE)) {
      s3.createBucket(BUCKET);
      Map<String, String> secrets = new HashMap<>();
      List<String> sourceDatabases;
      String sourceName;
      PipelineConfig.Engine engine = PipelineConfig.Engine.MYSQL;
      String engineDatabase = null;
      if (o.advanceDemo() && embedded == null) {
        throw new IllegalArgumentException("--advance-demo changes the embedded demo database; it cannot be used with"
            + " --jdbc-url");
      }
      if (embedded != null) {
        secrets.put(SOURCE_SECRET, embedded.secretJson(DemoData.SAKILA));
        sourceDatabases = List.of(DemoData.HEALTHAPP, DemoData.SAKILA);
        sourceName = "the embedded MariaDB's login";
        if (o.advanceDemo()) {
          advanceDemo(embedded, o.dataDir());
        }
      } else {
        JdbcTarget target = JdbcTarget.parse(o.jdbcUrl());
        secrets.put(SOURCE_SECRET, target.secretJson(o.user(), env.getOrDefault("RDS2BQ_SOURCE_PASSWORD", "")));
        engine = target.engine();
        if (engine == PipelineConfig.Engine.POSTGRESQL) {
          // PostgreSQL: the URL names the database; its schemas are what a run exports.
          engineDatabase = target.database();
          sourceDatabases = List.of("public");
        } else {
          sourceDatabases = target.database() == null ? List.of() : List.of(target.database());
        }
        sourceName = o.user() + "@" + target.host() + ":" + target.port() + " (--jdbc-url)";
      }
      secrets.put(HASH_SECRET, env.getOrDefault("RDS2BQ_HASH_KEY", DEMO_HASH_KEY));

      LocalConfig local;
      long rowsPerRange = o.rowsPerRange() == null ? 2_000_000 : o.rowsPerRange();
      if (twoSources) {
        secrets.put(MYSQL_SECRET, embedded.secretJson(DemoData.SAKILA));
        secrets.put(POSTGRES_SECRET, postgres.secretJson(PostgresDemoData.DATABASE));
        local = LocalConfig.demoSources(sourceDatabases, PostgresDemoData.DATABASE, List.of(PostgresDemoData.SCHEMA),
            rowsPerRange);
      } else if (o.config() == null) {
        List<String> databases = o.databases().isEmpty() ? sourceDatabases : o.databases();
        if (databases.isEmpty()) {
          throw new IllegalArgumentException("--jdbc-url names no database; add one to the URL or pass --databases");
        }
        local = LocalConfig.demo(engine, engineDatabase, databases, rowsPerRange, embedded != null);
      } else {
        local = LocalConfig.fromFile(o.config(), sourceName, o.databases(), sourceDatabases, o.rowsPerRange());
        out.printf("config %s; replaced to run on this machine:%n", o.config());
        local.overrides().forEach(out::println);
      }
      PipelineConfig config = local.config();
      List<String> databases = config.sourceList().stream()
          .flatMap(src -> src.databases().stream().map(src::qualify)).toList();
      MaskingPolicy policy = o.policy() == null && twoSources ? demoSourcesPolicy()
          : readPolicy(o.policy() != null ? o.policy() : local.policyFile());
      MapSecretSource secretSource = new MapSecretSource(secrets);
      S3ObjectStore store = new S3ObjectStore(s3.client(), BUCKET, config.parquet().uploadPartMiB() << 20);
      Engines engines = new Engines(config, secretSource, store);

      Map<String, RequestStreamHandler> functions = LocalFunctions.exportAndPublish(engines, policy, new Progress(out),
          Clock.systemUTC());
      if (config.bigquery() != null) {
        LocalFunctions.addLoads(functions, config, store, google, new S3AccessKey(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY),
            Clock.systemUTC());
      } else {
        out.println("the config has no bigquery section: nothing is loaded, as in AWS");
      }
      boolean load = LocalFunctions.canLoad(functions);
      ObjectNode input = StateMachineRunner.JSON.createObjectNode().put("runId", runId).put("load", load);
      if (o.runDate() != null) {
        input.put("runDate", o.runDate().toString());
      }
      if (!o.tables().isEmpty()) {
        o.tables().forEach(input.putArray("tables")::add);
      }
      RunProgress progress = new RunProgress(out, databases, new ExportResultStore(store, config.prefix()));
      StateMachineRunner.Execution execution;
      try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(), functions)) {
        out.printf("running statemachine/pipeline.asl.json (aws-local-stepfunctions on Node 22)%s%n",
            load ? "" : "; loads skipped (\"load\": false)");
        execution = runner.run(runId, input, StateMachineRunner.Options.asDefined(), progress);
      }
      if (progress.plan == null) {
        if (progress.planError instanceof RuntimeException e) {
          throw e; // PlanRun refused the run: nothing was exported
        }
        throw new IllegalStateException("the state machine failed before planning: " + execution.error() + ": "
            + execution.cause());
      }

      Map<String, String> errors = progress.tableErrors(execution);
      List<SummaryRow> rows = summaryRows(progress, errors, engines, s3Root.resolve(BUCKET), google.warehouse(),
          config.bigquery());
      // Every handler output (plan, export and publish results, summary) and how the execution
      // ended: printed with --print-results, always kept next to the data.
      Path resultsFile = o.dataDir().resolve("results").resolve("run=" + runId + ".json").toAbsolutePath();
      Files.createDirectories(resultsFile.getParent());
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode outputs = progress.outputs(execution);
      json.writeValue(resultsFile.toFile(), outputs);
      if (o.printResults()) {
        out.println(json.writeValueAsString(outputs));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      new Summary(out).print(rows, seconds);
      progress.tableNotes().forEach((table, note) -> out.printf("%s: %s%n", table, note));
      Path bucketDir = s3Root.resolve(BUCKET);
      BucketLayout layout = BucketLayout.of(config);
      String runDate = progress.plan.runDate();
      out.printf("%nHandler outputs (plan, export and publish results, summary): %s%n", resultsFile);
      out.printf("Files (S3 bucket '%s' on disk): %s/%s%n", BUCKET, bucketDir, layout.runFolder(RunTable.of(
          config.sources() == null ? null : "<source>", "<database>", "<table>", runDate, runId,
          BucketLayout.FIRST_ATTEMPT)));
      RunPlan.TablePlan example = progress.plan.tables().stream()
          .filter(t -> rows.stream().anyMatch(r -> r.error() == null
              && r.table().equals(RunProgress.name(t.source(), t.database(), t.table()))))
          .findFirst().orElse(progress.plan.tables().get(0));
      out.printf("Query them, e.g. with the DuckDB CLI:%n  duckdb -c \"SELECT * FROM read_parquet('%s/%s*.parquet', hive_partitioning=false) LIMIT 5\"%n",
          bucketDir, layout.runFolder(RunTable.of(example.source(), example.database(), example.table(), runDate,
              runId, example.attempt())));
      if (config.bigquery() != null) {
        String dataset = config.bigquery().dataset();
        out.printf("The warehouse (DuckDB standing in for BigQuery dataset %s): %s%n  ./rds2bq-local%s --query \"SELECT * FROM %s.%s LIMIT 5\"%n",
            dataset, warehouseFile, o.dataDir().equals(Path.of("local-data")) ? "" : " --data-dir " + o.dataDir(),
            dataset, config.bigquery().tableFor(example.source(), example.database(), example.table()));
      }
      long failed = rows.stream().filter(r -> r.error() != null).count();
      errors.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> out.printf("%n%s FAILED: %s%n", e.getKey(), e.getValue()));
      if (!execution.succeeded()) {
        if (progress.summary != null) {
          out.printf("%nThe execution FAILED (%s): %d of %d table(s) failed: %s%n", execution.error(), failed,
              rows.size(), String.join(", ", errors.keySet().stream().sorted().toList()));
        } else {
          out.printf("%nThe execution FAILED with %s: %s%n", execution.error(), execution.cause());
        }
        return (int) Math.max(1, failed);
      }
      out.printf("%nThe execution SUCCEEDED: %s%n", progress.summary == null ? "" : progress.summary.path("cause").asText());
      return (int) failed;
    }
  }

  /** A line per planned table: rows in MySQL, in the Parquet footers, as published, or why it failed. */
  private static List<SummaryRow> summaryRows(RunProgress progress, Map<String, String> errors,
      Engines engines, Path bucketDir, Warehouse warehouse, PipelineConfig.BigQueryConfig bigquery)
      throws SQLException, IOException {
    List<SummaryRow> rows = new ArrayList<>();
    for (RunPlan.TablePlan t : progress.plan.tables()) {
      String name = RunProgress.name(t.source(), t.database(), t.table());
      long sourceRows = countRows(engines.source(t.source()), t.database(), t.table());
      PublishResult published = progress.published.get(name);
      String error = errors.get(name);
      if (published != null) {
        List<ExportResult> results = progress.exports(name);
        long parquetRows = 0;
        for (ExportResult r : results) {
          for (ExportResult.FileEntry f : r.files()) {
            parquetRows += footerRows(bucketDir.resolve(f.key()));
          }
        }
        SummaryRow row = SummaryRow.of(results, sourceRows, parquetRows, published);
        if (bigquery != null && progress.loaded(name)) {
          // Counted in the warehouse itself, not taken from CheckLoads' report.
          row = row.withWarehouseRows(warehouse.count(bigquery.dataset(),
              bigquery.tableFor(t.source(), t.database(), t.table())));
        }
        rows.add(error == null ? row : row.withError(error.replaceFirst(":.*", ""))); // e.g. its load failed
      } else {
        rows.add(SummaryRow.failed(name, sourceRows,
            error == null ? "not published" : error.replaceFirst(":.*", "")));
      }
    }
    return rows;
  }

  /**
   * {@code --advance-demo}: the demo database is generated afresh on every run, so the n-th advance
   * applies advances 1 to n to it (each at its own later time), giving the source the previous runs
   * saw plus one more round of changes to {@code healthapp.step_logs}; the count is kept in the data
   * directory beside the bucket and the warehouse whose state it follows.
   */
  private void advanceDemo(EmbeddedMySql mysql, Path dataDir) throws IOException, SQLException {
    Path counter = dataDir.resolve("demo-advances");
    int done = Files.isRegularFile(counter) ? Integer.parseInt(Files.readString(counter).trim()) : 0;
    String last = "";
    for (int i = 1; i <= done + 1; i++) {
      last = DemoData.advanceStepLogs(mysql, DemoData.HEALTHAPP, i);
    }
    Files.createDirectories(dataDir);
    Files.writeString(counter, Integer.toString(done + 1));
    out.printf("advance %d of the demo: %s%n", done + 1, last);
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

  private EmbeddedPostgreSql startPostgresDemo(LocalRunOptions o) throws SQLException {
    out.println("starting embedded PostgreSQL 17 and loading the demo database (" + PostgresDemoData.DATABASE + ": "
        + PostgresDemoData.SCHEMA + ".users, " + PostgresDemoData.SCHEMA + ".invoices)...");
    EmbeddedPostgreSql pg = EmbeddedPostgreSql.start();
    try {
      PostgresDemoData.createDemo(pg, o.users());
    } catch (SQLException | RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /**
   * The demo policy of the two-source run: the MariaDB demo's rules (demo/masking.yaml) and the
   * PostgreSQL demo's (demo/masking-postgres.yaml), each under its source.
   */
  static MaskingPolicy demoSourcesPolicy() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    ObjectNode root = yaml.createObjectNode().put("version", 1);
    ObjectNode sources = root.putObject("sources");
    for (String[] part : new String[][] {{MYSQL_SOURCE, "/demo/masking.yaml"}, {POSTGRES_SOURCE,
        "/demo/masking-postgres.yaml"}}) {
      try (InputStream in = LocalRun.class.getResourceAsStream(part[1])) {
        sources.putObject(part[0]).set("databases", yaml.readTree(in).get("databases"));
      }
    }
    return MaskingPolicy.parse("demo/masking.yaml and demo/masking-postgres.yaml (local-stack/src/main/resources)",
        yaml.writeValueAsString(root));
  }

  private static MaskingPolicy readPolicy(Path file) throws IOException {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new dev.rds2bq.error.ConfigException("cannot read the masking policy " + file + " (--policy, or the"
            + " config's masking.policyFile, taken from the config's folder): " + e, e);
      }
      return MaskingPolicy.parse(file.toString(), text);
    }
    try (InputStream in = LocalRun.class.getResourceAsStream("/demo/masking.yaml")) {
      return MaskingPolicy.parse("demo/masking.yaml (local-stack/src/main/resources)",
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static long countRows(Source source, String db, String table) {
    try (SourceSnapshot snapshot = source.snapshot(db)) {
      return snapshot.count(snapshot.table(table), null);
    }
  }

  /** Rows as the file's own footer counts them: a check that does not trust the export result. */
  private static long footerRows(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getRecordCount();
    }
  }

  /** Engine, host, port and database of a jdbc:mysql:// or jdbc:postgresql:// URL. */
  record JdbcTarget(PipelineConfig.Engine engine, String host, int port, String database) {
    static JdbcTarget parse(String url) {
      PipelineConfig.Engine engine;
      if (url.startsWith("jdbc:mysql://")) {
        engine = PipelineConfig.Engine.MYSQL;
      } else if (url.startsWith("jdbc:postgresql://")) {
        engine = PipelineConfig.Engine.POSTGRESQL;
      } else {
        throw new IllegalArgumentException("--jdbc-url must start with jdbc:mysql:// or jdbc:postgresql://, got '"
            + url + "'");
      }
      URI u = URI.create(url.substring("jdbc:".length()));
      String path = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
      int port = u.getPort() >= 0 ? u.getPort() : engine == PipelineConfig.Engine.POSTGRESQL ? 5432 : 3306;
      return new JdbcTarget(engine, u.getHost(), port, path.isEmpty() ? null : path);
    }

    String secretJson(String user, String password) {
      com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      n.put("host", host).put("port", port).put("username", user).put("password", password);
      return n.toString();
    }
  }

  /** While a big table or range exports, its rows so far at doubling counts (the bridge reports each end). */
  static final class Progress implements ExportListener {
    private static final long FROM_ROWS = 100_000;
    private final PrintStream out;

    Progress(PrintStream out) {
      this.out = out;
    }

    @Override
    public void progress(ExportRequest request, long rows) {
      if (rows >= FROM_ROWS) {
        out.printf("  %s.%s%s: %,d rows so far%n", request.database(), request.table(),
            request.range() == null ? "" : " range " + request.range().label(), rows);
      }
    }
  }
}
