package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, at a small size: the state machine exports the whole demo, and a policy
 * that leaves a personal column undecided refuses the run.
 */
class LocalRunTest {
  @TempDir
  Path dir;

  private int run(ByteArrayOutputStream out, String... args) throws Exception {
    return new LocalRun(new PrintStream(out, true, StandardCharsets.UTF_8)).run(LocalRunOptions.parse(args));
  }

  @Test
  void demoExportsEveryTableAndFailsClosedOnAnUndecidedColumn() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream err = System.err;
    int failed;
    // The handlers log to standard error: keep what they write, for the leak scan below.
    System.setErr(new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        err.write(b);
        logs.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        err.write(b, off, len);
        logs.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8));
    try {
      failed = run(out, "--data-dir", dir.toString(), "--users", "300", "--step-logs", "2500", "--meals", "500",
          "--run-date", "2026-11-26", "--rows-per-range", "1000");
    } finally {
      System.setErr(err);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, failed, text);
    assertTrue(text.contains("all tables published"), text);
    assertTrue(text.contains("The execution SUCCEEDED: 22 table(s) exported, published and loaded"), text);

    // Nothing the run wrote holds a raw value of a masked personal column.
    java.util.Set<String> raw = LeakScan.rawValues(new dev.rds2bq.localstack.DemoData.Sizes(300, 2500, 500));
    assertTrue(raw.size() > 1000, "values to look for: " + raw.size());
    java.util.List<String> leaks = LeakScan.scan(dir, text + logs.toString(StandardCharsets.UTF_8), raw);
    assertEquals(java.util.List.of(), leaks, "raw personal values found in the run's output");
    assertTrue(text.matches("(?s).*mysql\\.healthapp\\.step_logs\\s+2,500\\s+2,500\\s+2,500\\s+[3-4]\\s.*"),
        "step_logs is split into ranges of about 1,000 rows: " + text);
    assertTrue(Files.exists(dir.resolve("s3/rds2bq-local/exports/mysql/healthapp/step_logs/dt=2026-11-26")
        .toFile().listFiles()[0].toPath().resolve("attempt=1/_SUCCESS")), "published");
    assertTrue(text.contains("healthapp.users"), text);
    assertTrue(text.matches("(?s).*sakila\\.rental\\s+16,044\\s+16,044\\s+16,044\\s.*"), "in MySQL, Parquet and the warehouse: " + text);
    try (var warehouse = new dev.rds2bq.localgcp.Warehouse(dir.resolve("warehouse.duckdb"))) {
      // The warehouse file outlives the run, for the user to query; masked columns arrive masked.
      assertEquals(599L, warehouse.count("rds2bq_local", "mysql__sakila__customer"));
      assertEquals(0L, ((Number) warehouse.query("SELECT count(*) AS n FROM rds2bq_local.mysql__sakila__customer"
          + " WHERE email LIKE '%@%'", java.util.List.of()).get(0).get("n")).longValue(), "emails are hashed");
      assertTrue(warehouse.table("rds2bq_local", "mysql__sakila__customer").orElseThrow().fields().stream()
          .noneMatch(f -> f.name().equals("first_name")), "a dropped column never reaches the warehouse");
    }
    // --query looks at that warehouse afterwards, with no server started.
    ByteArrayOutputStream queried = new ByteArrayOutputStream();
    int code = new LocalRun(new PrintStream(queried, true, StandardCharsets.UTF_8)).query(dir.resolve("warehouse.duckdb"),
        "SELECT count(*) AS customers FROM rds2bq_local.mysql__sakila__customer");
    assertEquals(0, code, queried.toString(StandardCharsets.UTF_8));
    assertTrue(queried.toString(StandardCharsets.UTF_8).matches("(?s)customers\\s+599\\s+\\(1 row\\)\\s*"),
        queried.toString(StandardCharsets.UTF_8));
    assertTrue(text.contains("--query \"SELECT * FROM rds2bq_local."), "the run says how to query the warehouse");
    assertTrue(Files.isDirectory(dir.resolve("s3/rds2bq-local/exports/mysql/healthapp/users/dt=2026-11-26")));
    // The PostgreSQL source ran in the same execution: its tables, masked, in its own folder and tables.
    assertTrue(text.matches("(?s).*postgres\\.billing\\.users\\s+300\\s+300\\s+300\\s.*"), text);
    assertTrue(text.matches("(?s).*postgres\\.billing\\.invoices\\s+900\\s+900\\s+900\\s.*"), text);
    assertTrue(Files.isDirectory(dir.resolve("s3/rds2bq-local/exports/postgres/billing/users/dt=2026-11-26")));
    try (var warehouse = new dev.rds2bq.localgcp.Warehouse(dir.resolve("warehouse.duckdb"))) {
      assertEquals(300L, warehouse.count("rds2bq_local", "postgres__billing__users"));
      assertEquals(0L, ((Number) warehouse.query("SELECT count(*) AS n FROM rds2bq_local.postgres__billing__invoices"
          + " WHERE billing_email LIKE '%@%'", java.util.List.of()).get(0).get("n")).longValue(), "hashed");
      assertTrue(warehouse.table("rds2bq_local", "postgres__billing__users").orElseThrow().fields().stream()
          .noneMatch(f -> f.name().equals("name")), "a dropped column never reaches the warehouse");
    }
    try (var results = Files.list(dir.resolve("results"))) {
      Path file = results.findFirst().orElseThrow();
      com.fasterxml.jackson.databind.JsonNode outputs = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
      assertEquals(outputs.get("plan").get("rangeCount").asInt(), outputs.get("exports").size(), "every export result");
      assertEquals(outputs.get("plan").get("tableCount").asInt(), outputs.get("publishes").size(), "every publish result");
      assertEquals("SUCCEEDED", outputs.get("execution").get("status").asText());
      assertEquals("SUCCEEDED", outputs.get("summary").get("status").asText());
      assertTrue(text.contains(file.toString()), "the run says where its results are");
    }

    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "databases: {healthapp: {tables: {users: {columns: {name: drop}}}}}");
    // As in AWS, an undecided personal column refuses the whole run before any export.
    dev.rds2bq.error.MaskingPolicyException refused = assertThrows(dev.rds2bq.error.MaskingPolicyException.class,
        () -> run(new ByteArrayOutputStream(), "--data-dir", dir.toString(), "--users", "50", "--step-logs", "50",
            "--meals", "50", "--databases", "healthapp", "--tables", "users,meals", "--policy", policy.toString()));
    assertTrue(refused.getMessage().contains("'email' looks personal"), refused.getMessage());
  }

  /**
   * The demo's incremental table: the first run loads step_logs whole; --advance-demo changes it
   * (rows corrected, logged and deleted) and the next run reads only the rows after the mark, merges
   * them and deletes the gone keys, so the warehouse holds as many rows as the source; a second
   * advance adds another round on top of the first.
   */
  @Test
  void advanceDemoMergesTheChangedStepLogs() throws Exception {
    String[] args = {"--data-dir", dir.toString(), "--users", "100", "--step-logs", "5000", "--meals", "50",
        "--databases", "healthapp", "--tables", "step_logs", "--run-date", "2026-11-26"};
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    assertEquals(0, run(first, args), first.toString(StandardCharsets.UTF_8));
    String text = first.toString(StandardCharsets.UTF_8);
    assertTrue(text.matches("(?s).*healthapp\\.step_logs\\s+5,000\\s+5,000\\s+5,000\\s.*"), text);

    for (int round = 1; round <= 2; round++) {
      ByteArrayOutputStream advanced = new ByteArrayOutputStream();
      String[] more = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
          "--advance-demo")).toArray(String[]::new);
      assertEquals(0, run(advanced, more), advanced.toString(StandardCharsets.UTF_8));
      text = advanced.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("advance " + round + " of the demo: "), text);
      java.util.regex.Matcher line = java.util.regex.Pattern.compile(
          "healthapp\\.step_logs\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)\\s.*change set").matcher(text);
      assertTrue(line.find(), text);
      assertEquals(line.group(1), line.group(3), "the warehouse holds as many rows as the source: " + line.group());
      long changed = Long.parseLong(line.group(2).replace(",", ""));
      assertTrue(changed > 0 && changed < 5000 / 2, "only the rows after the mark are read: " + line.group());
      assertTrue(text.matches("(?s).*healthapp\\.step_logs: merged " + changed + " changed row\\(s\\) by id, \\d+"
          + " deleted \\(keys gone from the source\\).*"), text);
    }
  }

  /**
   * --config: the Lambdas' YAML drives the local run. Every key applies (zeroDates, tables.exclude,
   * columnNames, runDateZone, the bigquery dataset); only the bucket, the source login and TLS, the
   * secrets, the load waits and the concurrency are replaced, and the run says so.
   */
  @Test
  void aConfigFileDrivesTheLocalRunAndItsReplacementsAreSaid() throws Exception {
    try (dev.rds2bq.localstack.EmbeddedMySql mysql = dev.rds2bq.localstack.EmbeddedMySql.start(null)) {
      mysql.recreateDatabase("shop");
      try (java.sql.Connection c = mysql.connect("shop"); java.sql.Statement s = c.createStatement()) {
        s.execute("SET SESSION sql_mode = ''");
        s.execute("CREATE TABLE orders (id INT PRIMARY KEY, `備考` TEXT, ordered DATE)");
        s.execute("INSERT INTO orders VALUES (1, '至急', '0000-00-00'), (2, NULL, '2026-01-02')");
        s.execute("CREATE TABLE orders_backup (id INT PRIMARY KEY)");
        s.execute("INSERT INTO orders_backup VALUES (1)");
      }
      Files.writeString(dir.resolve("policy.yaml"), "databases: {shop: {tables: {orders: {columns: {}}}}}");
      String yaml = """
          bucket: acme-exports
          prefix: snap
          source: {secretId: rds2bq/replica, tls: verify, caBundle: /opt/rds/global-bundle.pem}
          masking: {policyFile: policy.yaml, hashKeySecretId: rds2bq/hash-key, boundsKeyId: alias/acme-range-bounds}
          zeroDates: as_null
          databases: [shop]
          tables: {exclude: ["*_backup"]}
          runDateZone: Asia/Tokyo
          run: {tableConcurrency: 4, loadVisibilityDelaySeconds: 300}
          columnNames: {rename: {shop.orders: {備考: remarks}}}
          bigquery: {projectId: acme-analytics, location: asia-northeast1, dataset: snapshots,
                     credentialsSecretId: rds2bq/google, s3AccessKeySecretId: rds2bq/dts-reader,
                     endpoints: {dataTransfer: "bigquerydatatransfer-psc.p.googleapis.com:443"}}
          """;
      Path config = dir.resolve("prod.yaml");
      Files.writeString(config, yaml);
      Map<String, String> env = Map.of("RDS2BQ_SOURCE_PASSWORD", dev.rds2bq.localstack.EmbeddedMySql.PASSWORD);
      String[] args = {"--data-dir", dir.toString(), "--config", config.toString(), "--jdbc-url",
          "jdbc:mysql://127.0.0.1:" + mysql.port() + "/shop", "--user", dev.rds2bq.localstack.EmbeddedMySql.USER};
      java.time.LocalDate tokyoBefore = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int failed = new LocalRun(new PrintStream(out, true, StandardCharsets.UTF_8), env).run(LocalRunOptions.parse(args));
      java.time.LocalDate tokyoAfter = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Tokyo"));
      String text = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, failed, text);
      assertTrue(text.contains("config " + config + "; replaced to run on this machine:"), text);
      assertTrue(text.matches("(?s).*bucket\\s+acme-exports -> rds2bq-local .*"), text);
      assertTrue(text.matches("(?s).*source.secretId, source.tls\\s+rds2bq/replica, verify -> rds2bq@127.0.0.1:\\d+ \\(--jdbc-url\\), disabled.*"), text);
      assertTrue(text.contains("rds2bq/hash-key -> RDS2BQ_HASH_KEY"), text);
      assertTrue(text.contains("alias/acme-range-bounds -> none: no KMS here"), text);
      assertTrue(text.matches("(?s).*run.tableConcurrency, rangeConcurrency\\s+4, 1 -> 2, 1 .*"), text);
      assertTrue(text.contains("300, 60, 180 -> 0, 1, 30"), text);
      assertTrue(text.contains("rds2bq/google, rds2bq/dts-reader -> none needed: project acme-analytics"), text);
      assertTrue(text.contains("bigquerydatatransfer-psc.p.googleapis.com:443, null -> none: the local Data Transfer"),
          text);
      assertFalse(text.contains("zeroDates") || text.contains("columnNames") || text.contains("tables.exclude"),
          "keys the local run keeps are not listed: " + text);

      try (var warehouse = new dev.rds2bq.localgcp.Warehouse(dir.resolve("warehouse.duckdb"))) {
        var table = warehouse.table("snapshots", "shop__orders").orElseThrow();
        assertEquals(java.util.List.of("id", "remarks", "ordered"), table.fields().stream().map(f -> f.name()).toList(),
            "columnNames.rename applies");
        java.util.List<Map<String, Object>> rows = warehouse.query("SELECT id, remarks, ordered FROM snapshots.shop__orders"
            + " ORDER BY id", java.util.List.of());
        assertEquals(null, rows.get(0).get("ordered"), "zeroDates: as_null applies");
        assertEquals("至急", rows.get(0).get("remarks"));
        assertTrue(warehouse.table("snapshots", "shop__orders_backup").isEmpty(), "tables.exclude applies");
      }
      Path tableDir = dir.resolve("s3/rds2bq-local/snap/shop/orders");
      try (var dates = Files.list(tableDir)) {
        String dt = dates.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dt=")).findFirst().orElseThrow();
        assertTrue(dt.equals("dt=" + tokyoBefore) || dt.equals("dt=" + tokyoAfter), "runDateZone applies: " + dt);
      }

      // The same file without zeroDates: the zero date stops the table, as it would in AWS.
      Files.writeString(config, yaml.replace("zeroDates: as_null\n", ""));
      ByteArrayOutputStream strict = new ByteArrayOutputStream();
      int failedStrict = new LocalRun(new PrintStream(strict, true, StandardCharsets.UTF_8), env)
          .run(LocalRunOptions.parse(args));
      assertEquals(1, failedStrict, strict.toString(StandardCharsets.UTF_8));
      assertTrue(strict.toString(StandardCharsets.UTF_8).contains("zeroDates"), strict.toString(StandardCharsets.UTF_8));

      Files.writeString(config, yaml.replace("prefix: snap", "prefx: snap"));
      dev.rds2bq.error.ConfigException bad = assertThrows(dev.rds2bq.error.ConfigException.class,
          () -> new LocalRun(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), env)
              .run(LocalRunOptions.parse(args)));
      assertTrue(bad.getMessage().contains("config " + config + ": unknown key 'prefx'"), bad.getMessage());
    }
  }

  @Test
  void initPolicyPrintsADraftForEveryColumnOfTheDemo() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    String draft = new LocalRun(new PrintStream(progress, true, StandardCharsets.UTF_8))
        .initPolicy(LocalRunOptions.parse(new String[] {"--init-policy", "--users", "100", "--databases", "healthapp"}));
    assertTrue(draft.contains("# Starting masking policy for healthapp"), draft);
    assertTrue(draft.matches("(?s).*\n {10}message: drop +# value scan: \\d+ of 25 sampled values hold .*"), draft);
    assertTrue(draft.matches("(?s).*\n {10}prefecture: drop +# its name matches pattern .*"), draft);
    assertTrue(progress.toString(StandardCharsets.UTF_8).contains("sampling"), "progress goes apart from the draft");
    dev.rds2bq.mask.MaskingPolicy.parse("draft", draft); // a valid policy file as printed
  }

  @Test
  void aJdbcUrlBecomesAnRdsFormatSecret() throws Exception {
    LocalRun.JdbcTarget t = LocalRun.JdbcTarget.parse("jdbc:mysql://db.internal:3307/app?useSSL=true");
    assertEquals("db.internal", t.host());
    assertEquals(3307, t.port());
    assertEquals("app", t.database());
    com.fasterxml.jackson.databind.JsonNode secret = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(t.secretJson("reader", "p\"w"));
    assertEquals("reader", secret.get("username").asText());
    assertEquals("p\"w", secret.get("password").asText(), "quotes in a password survive");
    assertEquals(3306, LocalRun.JdbcTarget.parse("jdbc:mysql://h/x").port());
    LocalRun.JdbcTarget pg = LocalRun.JdbcTarget.parse("jdbc:postgresql://pg.internal/ledger");
    assertEquals(dev.rds2bq.config.PipelineConfig.Engine.POSTGRESQL, pg.engine());
    assertEquals(5432, pg.port());
    assertEquals("ledger", pg.database());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LocalRun.JdbcTarget.parse("jdbc:oracle:thin:@h:1521/x"))
        .getMessage().contains("jdbc:mysql:// or jdbc:postgresql://"));
  }

  @Test
  void badOptionsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LocalRunOptions.parse(new String[] {"--users", "x"}))
        .getMessage().contains("--users must be a positive whole number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> LocalRunOptions.parse(new String[] {"--frobnicate"}))
        .getMessage().contains("unknown option '--frobnicate'"));
  }
}
