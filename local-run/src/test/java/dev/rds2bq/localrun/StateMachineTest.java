package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.SourceUnavailableException;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localgcp.Warehouse;
import dev.rds2bq.localrun.TestStack.Recorder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * statemachine/pipeline.asl.json, run by aws-local-stepfunctions on Node 22 over the real handlers,
 * MariaDB and S3Proxy: every events/StateMachine/ sample, a whole Sakila run, a failing table, a
 * retried transient error, a failed load, a refused plan and a plan kept in S3.
 */
class StateMachineTest {
  private static final TestStack stack = TestStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger EXECUTIONS = new AtomicInteger();
  /** Four small Sakila tables, rental split into ranges of about 5,000 rows. */
  private static final String FEW_TABLES = "databases: [sakila]\n"
      + "tables: {include: [customer, rental, category, language]}\n"
      + "planning: {rowsPerRange: 5000, bigTableRows: 5000}\n";

  private static Execution run(Map<String, RequestStreamHandler> functions, String input, Recorder recorder)
      throws Exception {
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(), functions)) {
      return runner.run("test-" + EXECUTIONS.incrementAndGet(), JSON.readTree(input), StateMachineRunner.Options.tests(),
          recorder);
    }
  }

  private static Map<String, RequestStreamHandler> functions(String bucket, String yaml,
      UnaryOperator<Map<String, RequestStreamHandler>> customize) {
    PipelineConfig config = stack.config(bucket, yaml);
    return stack.functions(config, TestStack.demoPolicy(), customize);
  }

  static Stream<Path> samples() throws IOException {
    try (Stream<Path> s = Files.list(StateMachineRunner.locate().getParent().resolve("events/StateMachine"))) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertFalse(files.isEmpty());
      return files.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everySampleInputRunsTheWholeDefinition(Path sample) throws Exception {
    String name = sample.getFileName().toString().replace(".json", "");
    Recorder recorder = new Recorder();
    Execution execution = run(functions("sm-" + name, FEW_TABLES, UnaryOperator.identity()),
        Files.readString(sample), recorder);
    assertTrue(execution.succeeded(), execution.toString());
    JsonNode summary = execution.output();
    assertEquals("SUCCEEDED", summary.get("status").asText());

    JsonNode planInput = recorder.of(LocalFunctions.PLAN_RUN).get(0).input();
    assertTrue(planInput.get("executionArn").asText().startsWith("arn:aws:states:"), planInput.toString());
    assertTrue(planInput.hasNonNull("startTime"), "the execution's start time is added to any input form");
    JsonNode plan = recorder.output(LocalFunctions.PLAN_RUN);
    assertEquals(plan.get("rangeCount").asInt(), recorder.of(LocalFunctions.EXPORT_TABLE).size());
    assertEquals(plan.get("tableCount").asInt(), summary.get("tables").size());
    boolean loads = !name.equals("subset");
    assertEquals(loads ? 1 : 0, recorder.of(LocalFunctions.START_LOADS).size());
    for (JsonNode t : summary.get("tables")) {
      assertEquals(loads ? "SUCCEEDED" : "SKIPPED", t.get("load").asText(), t.toString());
    }
    switch (name) {
      case "scheduled" -> assertEquals("2026-11-26", plan.get("runDate").asText(), "the event's time, in UTC");
      case "rerun-date" -> {
        assertEquals("2026-11-20", plan.get("runDate").asText());
        assertEquals("rerun-20261120", plan.get("runId").asText());
      }
      case "subset" -> assertEquals(List.of("sakila.customer", "sakila.rental"),
          summary.get("tables").findValuesAsText("table").stream().map(t -> "sakila." + t).toList());
      case "console-click" -> {
        assertEquals(4, summary.get("tables").size());
        assertTrue(recorder.of(LocalFunctions.CHECK_LOADS).size() >= 1, "polled until every load ended");
        // Loaded for real: the warehouse holds exactly MySQL's rows.
        assertEquals(count("sakila", "customer"),
            stack.google.warehouse().count(TestStack.dataset("sm-" + name), "sakila__customer"));
        assertEquals(count("sakila", "rental"),
            stack.google.warehouse().count(TestStack.dataset("sm-" + name), "sakila__rental"));
      }
      default -> { }
    }
  }

  @Test
  void allOfSakilaIsExportedAndPublished() throws Exception {
    Recorder recorder = new Recorder();
    Execution execution = run(functions("sm-sakila", "databases: [sakila]\nplanning: {rowsPerRange: 5000, bigTableRows: 5000}\n",
        UnaryOperator.identity()), "{\"load\": false, \"runId\": \"sakila-all\"}", recorder);
    assertTrue(execution.succeeded(), execution.toString());
    JsonNode tables = execution.output().get("tables");
    assertEquals(16, tables.size());
    for (JsonNode t : tables) {
      String table = t.get("table").asText();
      assertEquals(count("sakila", table), t.get("rows").asLong(), table);
      try (Stream<Path> runs = Files.list(stack.root.resolve("s3/sm-sakila/exports/sakila/" + table))) {
        assertTrue(runs.anyMatch(p -> Files.exists(p.resolve("run=sakila-all/attempt=1/_SUCCESS"))), table + " is published");
      }
    }
    assertTrue(recorder.of(LocalFunctions.EXPORT_TABLE).stream().anyMatch(c -> c.input().has("range")),
        "payment and rental are exported by key range");
  }

  @Test
  void aFailingTableIsRecordedAndTheOthersArePublished() throws Exception {
    stack.database("smfail",
        "SET SESSION sql_mode = ''",
        "CREATE TABLE good (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO good VALUES (1, 'a'), (2, 'b')",
        "CREATE TABLE zero (id INT PRIMARY KEY, d DATETIME)",
        "INSERT INTO zero VALUES (1, '0000-00-00 00:00:00')");
    Recorder recorder = new Recorder();
    Execution execution = run(functions("sm-fail", "databases: [smfail]\n", UnaryOperator.identity()),
        "{\"load\": false}", recorder);
    assertFalse(execution.succeeded());
    assertEquals("rds2bq.TablesFailed", execution.error());
    assertTrue(execution.cause().startsWith("1 of 2 table(s) failed: smfail.zero: DataException:"), execution.cause());
    assertEquals(1, recorder.of(LocalFunctions.EXPORT_TABLE).stream()
        .filter(c -> c.input().get("table").asText().equals("zero")).count(), "a user fault is not retried");
    JsonNode summary = recorder.output(LocalFunctions.SUMMARIZE_RUN);
    assertEquals(List.of("smfail.zero"), JSON.convertValue(summary.get("failedTables"), List.class));
    assertEquals(2, summary.get("tables").get(0).get("rows").asLong(), "good is published");
  }

  @Test
  void aTransientErrorIsRetriedWithTheRealHandlerBehindIt() throws Exception {
    AtomicBoolean thrown = new AtomicBoolean();
    Recorder recorder = new Recorder();
    Execution execution = run(functions("sm-retry", FEW_TABLES, f -> {
      RequestStreamHandler real = f.get(LocalFunctions.EXPORT_TABLE);
      f.put(LocalFunctions.EXPORT_TABLE, (in, out, ctx) -> {
        byte[] body = in.readAllBytes();
        if (JSON.readTree(body).get("table").asText().equals("category") && thrown.compareAndSet(false, true)) {
          throw new SourceUnavailableException("the source closed the connection (test)", null);
        }
        real.handleRequest(new ByteArrayInputStream(body), out, ctx);
      });
      return f;
    }), "{\"tables\": [\"category\", \"language\"], \"load\": false}", recorder);
    assertTrue(execution.succeeded(), execution.toString());
    assertEquals(2, recorder.of(LocalFunctions.EXPORT_TABLE).stream()
        .filter(c -> c.input().get("table").asText().equals("category")).count());
    assertTrue(recorder.events.stream().anyMatch(e -> e.get("type").asText().equals("StateRetried")
        && e.get("state").asText().equals("ExportWholeTable")), "retried by the ASL's Retry");
    assertTrue(recorder.events.stream().anyMatch(e -> e.get("type").asText().equals("StateFailed")
        && e.get("error").asText().equals("dev.rds2bq.error.SourceUnavailableException")));
  }

  @Test
  void aFailedLoadFailsItsTableAndTheRun() throws Exception {
    // A BigQuery table made by someone else, whose customer_id is text: the snapshot cannot load into it.
    String dataset = TestStack.dataset("sm-load");
    Map<String, RequestStreamHandler> functions = functions("sm-load", FEW_TABLES, UnaryOperator.identity());
    stack.google.warehouse().createDataset(dataset, "US");
    stack.google.warehouse().createTable(new Warehouse.Table(dataset, "sakila__customer",
        List.of(new Warehouse.Field("customer_id", "STRING", "NULLABLE", null)), null));
    Recorder recorder = new Recorder();
    Execution execution = run(functions, "{\"tables\": [\"customer\", \"category\"]}", recorder);
    assertEquals("FAILED", execution.status());
    assertTrue(execution.cause().contains("sakila.customer: load FAILED")
        && execution.cause().contains("column customer_id is STRING in BigQuery but INTEGER in the snapshot"),
        execution.cause());
    assertEquals(count("sakila", "category"), stack.google.warehouse().count(dataset, "sakila__category"),
        "the other table loads");
    assertFalse(execution.cause().contains("sakila.category"), execution.cause());
  }

  @Test
  void aRefusedPlanFailsTheExecutionWithPlanRunsErrorName() throws Exception {
    Recorder recorder = new Recorder();
    Execution execution = run(stack.functions(stack.config("sm-refused", FEW_TABLES), "databases: {}",
        UnaryOperator.identity()), "{}", recorder);
    assertEquals("dev.rds2bq.error.MaskingPolicyException", execution.error());
    JsonNode cause = JSON.readTree(execution.cause());
    assertEquals("dev.rds2bq.error.MaskingPolicyException", cause.get("errorType").asText(), "the Lambda error JSON");
    assertTrue(cause.get("errorMessage").asText().contains("looks personal"), cause.toString());
    assertTrue(recorder.of(LocalFunctions.EXPORT_TABLE).isEmpty(), "nothing is exported");
  }

  @Test
  void aPlanTooBigForThePayloadIsReadFromS3ByRangeId() throws Exception {
    Recorder recorder = new Recorder();
    Execution execution = run(functions("sm-bigplan", "databases: [sakila]\n"
        + "planning: {rowsPerRange: 1000, bigTableRows: 1000, maxPlanKiB: 1}\n", UnaryOperator.identity()),
        "{\"tables\": [\"rental\", \"category\"], \"load\": false}", recorder);
    assertTrue(execution.succeeded(), execution.toString());
    JsonNode plan = recorder.output(LocalFunctions.PLAN_RUN);
    assertNotNull(plan.get("planKey").textValue(), plan.toString());
    List<JsonNode> rentals = recorder.of(LocalFunctions.EXPORT_TABLE).stream().map(TestStack.Recorder.Call::input)
        .filter(i -> i.get("table").asText().equals("rental")).toList();
    assertTrue(rentals.size() >= 10 && rentals.stream().allMatch(i -> i.has("planKey") && i.has("rangeId")), rentals.toString());
    assertEquals(16044, execution.output().get("tables").get(0).get("rows").asLong());
  }

  private static long count(String db, String table) throws Exception {
    try (Connection c = stack.mysql.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + table + "`")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
