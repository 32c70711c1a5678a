package dev.rds2bq.plan;

import dev.rds2bq.contract.RunPlan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.handler.PlanRunHandler;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.contract.RunPlan.TablePlan;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.testing.LocalStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PlanRun against a real server: discovery, filters, the input's forms, fail-closed masking, payload size. */
class RunPlannerTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 16:00 UTC is already the next day in Tokyo. */
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T16:00:00Z"), ZoneOffset.UTC);
  private static final String POLICY = "databases: {planapp: {tables: {users: {columns: {email: hash, full_name: drop}}}}}";

  @BeforeAll
  static void load() throws Exception {
    stack.database("planapp",
        "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(80), full_name VARCHAR(80))",
        "INSERT INTO users SELECT seq, CONCAT('u', seq, '@x.jp'), 'n' FROM seq_1_to_100",
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, total DECIMAL(8,2))",
        "INSERT INTO orders SELECT seq, seq / 10 FROM seq_1_to_30000",
        "CREATE TABLE audit_tmp (id INT PRIMARY KEY)",
        "CREATE TABLE notes (body TEXT)",
        "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100",
        "CREATE TABLE documents (id INT PRIMARY KEY, body MEDIUMTEXT)",
        "INSERT INTO documents SELECT seq, REPEAT(MD5(seq), 600) FROM seq_1_to_300",
        "ANALYZE TABLE documents",
        "ANALYZE TABLE orders");
    stack.database("emptydb");
  }

  private static RunPlanner planner(String yaml, String policy) {
    PipelineConfig config = LocalStack.config(stack.bucket("plans"), "databases: [planapp]\nrunDateZone: Asia/Tokyo\n"
        + "tables: {exclude: ['*_tmp']}\nplanning: {rowsPerRange: 10000, bigTableRows: 20000}\n" + yaml);
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("planapp"));
    return new RunPlanner(config, new MySqlSource(login, config.source()), MaskingPolicy.parse("m.yaml", policy),
        stack.store(config.bucket()), CLOCK);
  }

  @Test
  void consoleClickPlansEveryIncludedBaseTableAndSplitsTheBigOne() {
    RunPlan plan = planner("", POLICY).plan(PlanInput.empty());
    assertEquals("2026-11-27", plan.runDate(), "the run date is the execution's day in Asia/Tokyo");
    assertTrue(plan.runId().startsWith("20261126T160000Z-"), plan.runId());
    assertTrue(plan.load());
    assertEquals(List.of("documents", "notes", "orders", "users"), plan.tables().stream().map(TablePlan::table).toList(),
        "no view, no excluded table");
    TablePlan orders = plan.tables().get(2);
    // 30,000 rows by InnoDB's estimate (within a few per cent), 10,000 a range.
    assertTrue(orders.expectedRanges() == 3 || orders.expectedRanges() == 4, orders.note());
    assertNull(orders.ranges().get(0).column(), "ranges travel without the column to keep the payload small");
    assertTrue(plan.tables().get(1).note().contains("no primary key"));
    assertEquals(3 + orders.expectedRanges(), plan.rangeCount());
    assertNull(plan.planKey());
  }

  @Test
  void aPlannedRangeExportsWithoutNamingItsColumn() {
    RunPlan plan = planner("", POLICY).plan(PlanInput.empty());
    KeyRange middle = plan.tables().get(2).ranges().get(1);
    String bucket = stack.bucket("plan-export");
    ExportResult r = stack.exporter(LocalStack.config(bucket, ""), "planapp", POLICY)
        .export(new ExportRequest(plan.runId(), "1", plan.runDate(), "planapp", "orders", middle));
    assertEquals(Long.parseLong(middle.hi()) - Long.parseLong(middle.lo()), r.rowsWritten());
  }

  @Test
  void aTableBigInBytesButNotInRowsIsSplitBySize() {
    RunPlan plan = planner("", POLICY).plan(PlanInput.empty());
    assertTrue(plan.tables().stream().noneMatch(t -> t.table().equals("documents") && t.expectedRanges() > 1),
        "under the default 2 GiB it is one range");
    PipelineConfig config = LocalStack.config(stack.bucket("plans"), "databases: [planapp]\n"
        + "planning: {rowsPerRange: 10000, bigTableRows: 20000, bigTableMiB: 2}\n");
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("planapp"));
    TablePlan documents = new RunPlanner(config, new MySqlSource(login, config.source()),
        MaskingPolicy.parse("m.yaml", POLICY), stack.store(config.bucket()), CLOCK)
        .plan(new PlanInput(List.of("documents"), null, null, null, null)).tables().get(0);
    // ~6 MB of text in 300 rows: about three ranges of 2 MiB.
    assertTrue(documents.expectedRanges() >= 2 && documents.expectedRanges() <= 5, documents.note());
  }

  @Test
  void aSubsetAndItsErrors() {
    RunPlan plan = planner("", POLICY).plan(new PlanInput(List.of("planapp.users", "orders"), "2026-11-20", false,
        "rerun-1", null));
    assertEquals(List.of("users", "orders"), plan.tables().stream().map(TablePlan::table).toList());
    assertEquals("2026-11-20", plan.runDate());
    assertEquals("rerun-1", plan.runId());
    String unknown = assertThrows(InvalidInputException.class, () -> planner("", POLICY)
        .plan(new PlanInput(List.of("order", "orders; DROP TABLE users", "audit_tmp"), null, null, null, null)))
        .getMessage();
    assertTrue(unknown.contains("[order, orders; DROP TABLE users, audit_tmp]"), unknown);
    assertTrue(unknown.contains("planapp.orders") && !unknown.contains("planapp.audit_tmp,"), unknown);
    assertTrue(assertThrows(InvalidInputException.class, () -> planner("", POLICY)
        .plan(new PlanInput(List.of(), "2026-13-01", null, null, null))).getMessage().contains("YYYY-MM-DD"));
    // The clock says 2026-11-26T16:00Z, already 2026-11-27 in Tokyo (runDateZone): tomorrow is 2026-11-28 there.
    String typo = assertThrows(InvalidInputException.class, () -> planner("", POLICY)
        .plan(new PlanInput(List.of(), "2205-06-01", null, null, null))).getMessage();
    assertEquals("runDate 2205-06-01 is later than tomorrow (2026-11-28 in Asia/Tokyo): a run date is the day the snapshot"
        + " is taken; check it for a typo", typo);
    assertEquals("2026-11-28", planner("", POLICY).plan(new PlanInput(List.of("users"), "2026-11-28", false, null,
        null)).runDate(), "tomorrow is allowed");
    String old = assertThrows(InvalidInputException.class, () -> planner("maxBackfillDays: 30\n", POLICY)
        .plan(new PlanInput(List.of(), "2026-10-27", null, null, null))).getMessage();
    assertTrue(old.contains("runDate 2026-10-27 is more than maxBackfillDays (30) days before today (2026-11-27 in"
        + " Asia/Tokyo)")
        && old.contains("raise config key maxBackfillDays"), old);
    assertEquals("2026-10-28", planner("maxBackfillDays: 30\n", POLICY).plan(new PlanInput(List.of("users"),
        "2026-10-28", false, null, null)).runDate());
    assertTrue(assertThrows(InvalidInputException.class, () -> planner("", POLICY)
        .plan(new PlanInput(List.of(), null, null, "bad id!", null))).getMessage().contains("runId"));
  }

  @Test
  void anEmptyDatabaseIsAnError() {
    PipelineConfig config = LocalStack.config(stack.bucket("plans"), "databases: [emptydb]\n");
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("emptydb"));
    RunPlanner p = new RunPlanner(config, new MySqlSource(login, config.source()),
        MaskingPolicy.parse("m.yaml", "databases: {}"), stack.store(config.bucket()), CLOCK);
    assertTrue(assertThrows(InvalidInputException.class, () -> p.plan(PlanInput.empty())).getMessage()
        .contains("no table to export"));
  }

  @Test
  void anUndecidedPersonalColumnStopsThePlanBeforeAnyExport() {
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class,
        () -> planner("", "databases: {planapp: {tables: {users: {columns: {email: hash}}, userz: {}}}}")
            .plan(PlanInput.empty()));
    assertTrue(e.getMessage().contains("'full_name' looks personal"), e.getMessage());
    assertTrue(e.getMessage().contains("table 'planapp.userz', which database 'planapp' does not have (did you mean 'users'?)"), e.getMessage());
  }

  @Test
  void aPlanTooBigForStepFunctionsGoesToS3() throws Exception {
    String bucket = stack.bucket("plans");
    // orders alone: its 25 and more ranges overflow 1 KiB, while the plan without them (which always
    // carries each table's source and attempt) stays under it.
    RunPlan plan = smallPayloadPlanner(bucket).plan(new PlanInput(List.of("orders"), null, null, null, null));
    assertNotNull(plan.planKey());
    assertTrue(plan.tables().stream().allMatch(t -> t.ranges() == null));
    JsonNode stored = JSON.readTree(stack.store(bucket).get(plan.planKey()));
    assertEquals(plan.rangeCount(), stored.get("rangeCount").asInt());
    JsonNode orders = null;
    for (JsonNode t : stored.get("tables")) {
      if (t.get("table").asText().equals("orders")) {
        orders = t;
      }
    }
    assertTrue(orders != null && orders.get("ranges").size() >= 25, String.valueOf(orders));
  }

  private static RunPlanner smallPayloadPlanner(String bucket) {
    PipelineConfig small = LocalStack.config(bucket, "databases: [planapp]\n"
        + "planning: {rowsPerRange: 1000, bigTableRows: 20000, maxPlanKiB: 1}\n");
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("planapp"));
    return new RunPlanner(small, new MySqlSource(login, small.source()), MaskingPolicy.parse("m.yaml", POLICY),
        stack.store(small.bucket()), CLOCK);
  }

  /**
   * Every sample in events/PlanRun/ through the handler; the subset names Sakila tables and the
   * full-one-table sample the demo's step_logs, both unknown here.
   */
  @Test
  void everyPlanRunSampleGoesThroughTheHandler() throws Exception {
    List<Path> samples = LocalStack.samples("PlanRun");
    assertEquals(5, samples.size());
    for (Path f : samples) {
      byte[] input = Files.readAllBytes(f);
      PlanRunHandler handler = new PlanRunHandler(planner("", POLICY));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (f.getFileName().toString().equals("subset.json")) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> handler.handleRequest(new ByteArrayInputStream(input), out, null));
        assertTrue(e.getMessage().contains("sakila.customer") && e.getMessage().contains("valid names"), e.getMessage());
        assertEquals(List.of("sakila.customer", "rental"), PlanRunHandlerInput.tables(input));
        continue;
      }
      if (f.getFileName().toString().equals("full-one-table.json")) {
        // The demo's incremental table; this test's config has none, and the run says so by name.
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> handler.handleRequest(new ByteArrayInputStream(input), out, null));
        assertTrue(e.getMessage().startsWith("'modes.healthapp.step_logs' names no table of this run"), e.getMessage());
        continue;
      }
      handler.handleRequest(new ByteArrayInputStream(input), out, null);
      RunPlan plan = JSON.readValue(out.toByteArray(), RunPlan.class);
      switch (f.getFileName().toString()) {
        case "scheduled.json" -> assertEquals("2026-11-27", plan.runDate(), "18:00 UTC is the next day in Tokyo");
        case "rerun-date.json" -> {
          assertEquals("rerun-20261120", plan.runId());
          assertEquals("2026-11-20", plan.runDate());
        }
        default -> assertEquals(4, plan.tableCount(), f.toString());
      }
    }
    assertTrue(assertThrows(InvalidInputException.class, () -> new PlanRunHandler(planner("", POLICY))
        .handleRequest(new ByteArrayInputStream("{\"tabels\": []}".getBytes()), new ByteArrayOutputStream(), null))
        .getMessage().contains("unknown key 'tabels'"));
  }

  /** Reads a sample's table list the way the handler does. */
  static final class PlanRunHandlerInput {
    static List<String> tables(byte[] json) throws Exception {
      List<String> out = new java.util.ArrayList<>();
      JSON.readTree(json).get("tables").forEach(n -> out.add(n.asText()));
      return out;
    }
  }
}
