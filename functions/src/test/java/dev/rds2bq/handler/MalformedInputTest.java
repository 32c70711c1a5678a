package dev.rds2bq.handler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.UserFaultException;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.metrics.TableMetrics;
import dev.rds2bq.testing.LocalStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed input a person or a script can hand the handlers, and every broken config key the
 * issue tracker has seen, gives one line that names the field and a user-fault error class the state
 * machine does not retry: never a NullPointerException, a "/ by zero", a stack trace or a value
 * silently turned into something else. One row per input: handler, input, the words the message must
 * contain.
 */
class MalformedInputTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String DB = "malformed";
  private static final String POLICY = "databases: {malformed: {tables: {users: {columns: {}}}}}";
  private static Map<String, RequestStreamHandler> handlers;

  @BeforeAll
  static void handlers() throws Exception {
    stack.database(DB, "CREATE TABLE users (id INT PRIMARY KEY, plan VARCHAR(10))", "INSERT INTO users VALUES (1, 'a')");
    PipelineConfig config = LocalStack.config(stack.bucket("malformed"), "databases: [malformed]\n");
    Engines engines = new Engines(config, new MapSecretSource(stack.secrets(DB)), stack.store(config.bucket()));
    MaskingPolicy policy = MaskingPolicy.parse("masking.yaml", POLICY);
    handlers = Map.of(
        "PlanRun", new PlanRunHandler(engines.planner(policy, Clock.systemUTC(), null)),
        "ExportTable", new ExportTableHandler(engines.exporter(policy, dev.rds2bq.export.ExportListener.NONE),
            engines.plans()),
        "PublishTable", new PublishTableHandler(engines.publisher(Clock.systemUTC())),
        "SummarizeRun", new SummarizeRunHandler(TableMetrics.NONE));
  }

  static Stream<Arguments> inputs() {
    String export = "\"runId\": \"r1\", \"attempt\": \"1\", \"runDate\": \"2026-11-26\", \"database\": \"malformed\"";
    return Stream.of(
        Arguments.of("PlanRun", "{\"tables\": [1, {}]}", "tables"),
        Arguments.of("PlanRun", "{\"tables\": \"users\"}", "tables"),
        Arguments.of("PlanRun", "{\"tables\": [\"userz\"]}", "userz"),
        Arguments.of("PlanRun", "{\"runDate\": \"2205-06-01\"}", "runDate"),
        Arguments.of("PlanRun", "{\"runDate\": \"26/11/2026\"}", "runDate"),
        Arguments.of("PlanRun", "{\"runId\": \"../../etc\"}", "runId"),
        Arguments.of("PlanRun", "{\"load\": \"yes\"}", "load"),
        Arguments.of("PlanRun", "{\"sources\": [\"ledger\"]}", "sources"),
        Arguments.of("PlanRun", "{\"tabels\": [\"users\"]}", "tabels"),
        Arguments.of("PlanRun", "[]", "PlanRun input"),
        Arguments.of("ExportTable", "{}", "runId"),
        Arguments.of("ExportTable", "{" + export + "}", "table"),
        Arguments.of("ExportTable", "{" + export + ", \"table\": \"users\", \"attempt\": \"0\"}", "attempt"),
        Arguments.of("ExportTable", "{" + export + ", \"table\": \"users\", \"runDate\": \"2026-13-01\"}", "runDate"),
        Arguments.of("ExportTable", "{" + export + ", \"table\": \"users\", \"range\": {\"id\": -1}}", "range"),
        Arguments.of("ExportTable", "{" + export + ", \"table\": \"users\", \"range\": {\"id\": 0, \"lo\": \"x\"}}",
            "bound"),
        Arguments.of("ExportTable", "{" + export + ", \"table\": \"users\", \"planKey\": \"elsewhere/plan.json\","
            + " \"rangeId\": 0}", "planKey"),
        Arguments.of("ExportTable", "{\"runId\": \"r1\", \"attempt\": \"1\", \"runDate\": \"2026-11-26\","
            + " \"database\": \"mysql\", \"table\": \"user\"}", "database 'mysql'"),
        Arguments.of("ExportTable", "{" + export + ", \"table\": \"nosuch\"}", "nosuch"),
        Arguments.of("PublishTable", "{\"database\": \"malformed\", \"table\": \"users\", \"expectedRanges\": 1,"
            + " \"exports\": []}", "runId"),
        Arguments.of("PublishTable", "{\"runId\": \"r1\", \"attempt\": \"1\", \"runDate\": \"2026-11-26\","
            + " \"database\": \"malformed\", \"table\": \"users\", \"expectedRanges\": 1, \"exports\": {}}", "exports"),
        Arguments.of("PublishTable", "{\"runId\": \"r1\", \"attempt\": \"1\", \"runDate\": \"2026-11-26\","
            + " \"database\": \"malformed\", \"table\": \"users\", \"expectedRanges\": 0, \"exports\": []}",
            "expectedRanges"),
        Arguments.of("SummarizeRun", "{\"tables\": 5}", "tables"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("inputs")
  void aMalformedInputGetsOneLineNamingTheField(String handler, String input, String names) {
    Exception e = assertThrows(Exception.class, () -> handlers.get(handler).handleRequest(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));
    assertOneLineUserFault(e, names);
  }

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("planning: {bigTableMiB: 0}\n", "planning.bigTableMiB"),
        Arguments.of("planning: {rowsPerRange: 10}\n", "planning.rowsPerRange"),
        Arguments.of("databases: [null]\n", "databases"),
        Arguments.of("databases: [malformed, malformed]\n", "databases"),
        Arguments.of("run: {tableConcurrency: 0}\n", "run.tableConcurrency"),
        Arguments.of("run: {maxSourceConnections: 400}\n", "run.maxSourceConnections"),
        Arguments.of("zeroDates: maybe\n", "zeroDates"),
        Arguments.of("runDateZone: Mars/Olympus\n", "runDateZone"),
        Arguments.of("tables: {include: users}\n", "tables.include"),
        Arguments.of("masking: {policyFile: m.yaml, valueScan: {sampleRows: 1}}\n", "masking.valueScan.sampleRows"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void aBrokenConfigKeyGetsOneLineNamingTheKey(String yaml, String names) {
    String base = "bucket: b-1\nprefix: x\nsource: {secretId: s, tls: disabled}\n";
    String config = base + (yaml.startsWith("masking:") ? "" : "masking: {policyFile: m.yaml}\n") + yaml;
    ConfigException e = assertThrows(ConfigException.class, () -> PipelineConfig.parse("c.yaml", config));
    assertOneLineUserFault(e, names);
  }

  private static void assertOneLineUserFault(Exception e, String names) {
    String m = String.valueOf(e.getMessage());
    assertInstanceOf(UserFaultException.class, e, e.getClass().getName() + ": " + m);
    assertTrue(m.contains(names), "the message names '" + names + "': " + m);
    assertFalse(m.contains("\n"), "one line: " + m);
    assertFalse(m.contains("java.lang") || m.contains("NullPointer") || m.contains("/ by zero"), m);
  }
}
