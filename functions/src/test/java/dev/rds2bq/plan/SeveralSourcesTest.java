package dev.rds2bq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.Manifest;
import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.PublishResult;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.contract.RunPlan.TablePlan;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One config, two sources: a MySQL database and a PostgreSQL schema that share the name
 * {@code shop} and the table {@code customers}. The plan covers both (or the input's subset), each
 * table is exported from its own source under its own source's masking rules, and the two land in
 * different bucket folders, manifests and BigQuery tables.
 */
class SeveralSourcesTest {
  private static final LocalStack stack = LocalStack.get();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T03:00:00Z"), ZoneOffset.UTC);
  private static final String PG_DB = "pgshop";
  private static final String POLICY = """
      sources:
        app:
          databases:
            shop:
              tables:
                customers: {columns: {email: drop}}
        ledger:
          databases:
            shop:
              tables:
                customers: {columns: {email: {policy: redact, value: "x"}}}
      """;

  @BeforeAll
  static void load() throws Exception {
    stack.database("shop",
        "CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(80), tier VARCHAR(10))",
        "INSERT INTO customers VALUES (1, 'a@example.com', 'gold'), (2, 'b@example.com', 'blue')");
    stack.postgresDatabase(PG_DB,
        "CREATE SCHEMA shop",
        "CREATE TABLE shop.customers (id bigint PRIMARY KEY, email text, tier text)",
        "INSERT INTO shop.customers VALUES (10, 'c@example.com', 'red'), (11, 'd@example.com', 'red'),"
            + " (12, 'e@example.com', 'red')",
        "CREATE TABLE shop.invoices (id bigint PRIMARY KEY, total numeric(10,2))",
        "INSERT INTO shop.invoices VALUES (1, 9.99)");
  }

  private static PipelineConfig config(String bucket) {
    return PipelineConfig.parse("test-config", "bucket: " + bucket + "\nprefix: exports\n"
        + "masking: {policyFile: masking.yaml}\n"
        + "sources:\n"
        + "  app: {secretId: test/app, tls: disabled, allowWritable: true, databases: [shop]}\n"
        + "  ledger: {engine: postgresql, database: " + PG_DB + ", secretId: test/ledger, tls: disabled, allowWritable: true,"
        + " databases: [shop]}\n"
        + "bigquery: {projectId: acme-analytics, dataset: snaps, credentialsSecretId: g, s3AccessKeySecretId: k}\n");
  }

  private static Engines engines(PipelineConfig config) {
    Map<String, String> secrets = new HashMap<>();
    secrets.put("test/app", stack.mysql.secretJson("shop"));
    secrets.put("test/ledger", stack.postgres().secretJson(PG_DB));
    return new Engines(config, new MapSecretSource(secrets), stack.store(config.bucket()));
  }

  @Test
  void aRunCoversEverySourceAndKeepsTheirTablesApart() throws Exception {
    PipelineConfig config = config(stack.bucket("sources"));
    Engines engines = engines(config);
    MaskingPolicy policy = MaskingPolicy.parse("m.yaml", POLICY);
    RunPlan plan = engines.planner(policy, CLOCK, null).plan(PlanInput.empty());
    assertEquals(List.of("app.shop.customers", "ledger.shop.customers", "ledger.shop.invoices"),
        plan.tables().stream().map(t -> t.source() + "." + t.database() + "." + t.table()).toList());
    String planJson = new ObjectMapper().writeValueAsString(plan);
    assertTrue(planJson.contains("\"source\":\"ledger\""), planJson);

    Map<String, Manifest> manifests = new HashMap<>();
    for (TablePlan t : plan.tables().subList(0, 2)) {
      ExportResult r = engines.exporter(policy, ExportListener.NONE)
          .export(new ExportRequest(t.source(), plan.runId(), t.attempt(), plan.runDate(), t.database(), t.table(), null));
      assertEquals(t.source(), r.source());
      PublishResult published = engines.publisher(CLOCK).publish(new PublishRequest(t.source(), plan.runId(),
          t.attempt(), plan.runDate(), t.database(), t.table(), 1, List.of(engines.results().save(r))));
      assertEquals(t.source(), published.source());
      assertTrue(published.manifestKey().startsWith("exports/" + t.source() + "/shop/customers/dt=2026-11-26/"),
          published.manifestKey());
      manifests.put(t.source(), new ObjectMapper().readValue(
          java.nio.file.Files.readAllBytes(stack.file(config.bucket(), published.manifestKey())), Manifest.class));
      List<Path> files = r.files().stream().map(f -> stack.file(config.bucket(), f.key())).toList();
      List<Map<String, Object>> rows = Parquet.query(files, "SELECT * FROM t ORDER BY id");
      if (t.source().equals("app")) {
        assertEquals(2, rows.size());
        assertFalse(rows.get(0).containsKey("email"), "app's rule: drop");
      } else {
        assertEquals(3, rows.size());
        assertEquals("x", rows.get(0).get("email"), "ledger's rule: redact");
      }
    }
    assertEquals("app", manifests.get("app").source());
    assertEquals("ledger", manifests.get("ledger").source());
    assertEquals(2, manifests.get("app").rows());
    assertEquals(3, manifests.get("ledger").rows());
    assertEquals("app__shop__customers", config.bigquery().tableFor("app", "shop", "customers"));
    assertEquals("ledger__shop__customers", config.bigquery().tableFor("ledger", "shop", "customers"));
  }

  @Test
  void theInputMayNameSomeSourcesOrQualifiedTables() {
    PipelineConfig config = config(stack.bucket("sources"));
    MaskingPolicy policy = MaskingPolicy.parse("m.yaml", POLICY);
    RunPlan ledger = engines(config).planner(policy, CLOCK, null)
        .plan(new PlanInput(List.of(), null, null, null, null, null, false, false, List.of("ledger")));
    assertEquals(List.of("invoices", "customers"), ledger.tables().stream().map(TablePlan::table).sorted(
        java.util.Comparator.reverseOrder()).toList());
    assertTrue(ledger.tables().stream().allMatch(t -> t.source().equals("ledger")));
    RunPlan one = engines(config).planner(policy, CLOCK, null)
        .plan(new PlanInput(List.of("app.shop.customers"), null, null, null, null));
    assertEquals(1, one.tables().size());
    assertEquals("app", one.tables().get(0).source());
    InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> engines(config)
        .planner(policy, CLOCK, null).plan(new PlanInput(List.of(), null, null, null, null, null, false,
            false, List.of("crm"))));
    assertEquals("input 'sources' names [crm], which the config does not have; its sources are [app, ledger]",
        unknown.getMessage());
  }

  @Test
  void rulesWrittenForOneSourceNeverApplyToAnother() {
    PipelineConfig config = config(stack.bucket("sources"));
    // app's customers decided, ledger's not: its e-mail column stops the run, named with its source.
    String onlyApp = POLICY.substring(0, POLICY.indexOf("  ledger:"));
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class, () -> engines(config)
        .planner(MaskingPolicy.parse("m.yaml", onlyApp), CLOCK, null).plan(PlanInput.empty()));
    assertTrue(e.getMessage().contains("source ledger: ") && e.getMessage().contains("'email'"), e.getMessage());
    assertFalse(e.getMessage().contains("source app: "), e.getMessage());
    // A policy without sources is refused rather than applied to both.
    MaskingPolicyException flat = assertThrows(MaskingPolicyException.class, () -> engines(config)
        .planner(MaskingPolicy.parse("m.yaml", "databases: {shop: {tables: {customers: {columns: {email: drop}}}}}"),
            CLOCK, null).plan(PlanInput.empty()));
    assertTrue(flat.getMessage().contains("put them under their source"), flat.getMessage());
    // A source the config does not have is a typo, said before anything runs.
    MaskingPolicyException typo = assertThrows(MaskingPolicyException.class, () -> engines(config)
        .planner(MaskingPolicy.parse("m.yaml", POLICY + "  crm: {databases: {}}\n"), CLOCK, null)
        .plan(PlanInput.empty()));
    assertTrue(typo.getMessage().contains("names source 'crm', which the config does not have"), typo.getMessage());
  }

  @Test
  void anExportRequestMustNameOneOfTheConfigsSources() {
    PipelineConfig config = config(stack.bucket("sources"));
    MaskingPolicy policy = MaskingPolicy.parse("m.yaml", POLICY);
    InvalidInputException none = assertThrows(InvalidInputException.class, () -> engines(config)
        .exporter(policy, ExportListener.NONE).export(new ExportRequest("r1", "1", "2026-11-26", "shop", "customers", null)));
    assertEquals("source is not named; the config's sources are [app, ledger]", none.getMessage());
    InvalidInputException path = assertThrows(InvalidInputException.class, () -> engines(config)
        .exporter(policy, ExportListener.NONE)
        .export(new ExportRequest("../app", "r1", "1", "2026-11-26", "shop", "customers", null)));
    assertTrue(path.getMessage().startsWith("source must be a source name"), path.getMessage());
    assertNull(config.source(), "no single source in a config of sources");
  }
}
