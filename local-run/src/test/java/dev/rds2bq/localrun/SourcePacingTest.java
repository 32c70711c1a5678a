package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.DataException;
import dev.rds2bq.error.SourceBusyException;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import dev.rds2bq.localstack.EmbeddedMySql;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source is a real replica (MariaDB replicating from a MariaDB primary), run through the real
 * state machine. While its replication is stopped every export is put off with
 * {@code SourceBusyException} and retried by the definition's long-backoff retrier (shortened here);
 * once it replays again the run finishes and the summary counts the waits. All along, the replica's
 * process list never shows more export sessions than {@code run.maxSourceConnections}. Then a failed
 * table is run again under its run id, and the ranges its first execution finished are taken over
 * without reading the source again (docs/state-machine.md#resume).
 */
class SourcePacingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestStack stack = TestStack.get();
  private static final String LOGIN = "pacer";
  private static final String POLICY = "databases: {pacing: {tables: {}}}";
  private static final int MAX_CONNECTIONS = 2;
  private static EmbeddedMySql primary;
  private static EmbeddedMySql replica;

  @BeforeAll
  static void start() throws Exception {
    primary = EmbeddedMySql.startPrimary();
    replica = EmbeddedMySql.startReplicaOf(primary);
    primary.recreateDatabase("pacing");
    try (Connection c = primary.connect("pacing"); Statement s = c.createStatement()) {
      // A login of the pipeline's own, so that its sessions are told apart from the test's and the
      // replication threads' in the replica's process list.
      s.execute("CREATE USER '" + LOGIN + "'@'%' IDENTIFIED BY 'pw-pacer'");
      s.execute("GRANT SELECT, SHOW VIEW, REPLICA MONITOR ON *.* TO '" + LOGIN + "'@'%'");
      for (String t : new String[] {"a", "b", "c"}) {
        s.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(20))");
        s.execute("INSERT INTO " + t + " SELECT seq, CONCAT('v', seq) FROM seq_1_to_4000");
        s.execute("ANALYZE TABLE " + t);
      }
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (replicated(replica, "SELECT count(*) FROM pacing.c") < 4000) {
      assertTrue(System.nanoTime() < deadline, "the replica did not catch up in 30 s");
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stop() {
    replica.close();
    primary.close();
  }

  private static PipelineConfig config(String bucket) {
    return stack.config(bucket, "databases: [pacing]\nplanning: {rowsPerRange: 1000, bigTableRows: 2000}\n"
        + "run: {maxSourceConnections: " + MAX_CONNECTIONS + ", tableConcurrency: 2, rangeConcurrency: 1}\n");
  }

  private static Engines engines(PipelineConfig config) {
    Map<String, String> secrets = new HashMap<>();
    secrets.put(TestStack.SOURCE_SECRET, "{\"host\":\"" + replica.host() + "\",\"port\":" + replica.port()
        + ",\"username\":\"" + LOGIN + "\",\"password\":\"pw-pacer\",\"dbname\":\"pacing\"}");
    secrets.put(TestStack.HASH_SECRET, "test-hash-key-0123456789abcdef0123456789");
    return new Engines(config, new MapSecretSource(secrets), stack.store(config.bucket()));
  }

  @Test
  void exportsWaitForAStoppedReplicaAndNeverExceedTheConnectionCap() throws Exception {
    String bucket = "pacing-busy";
    PipelineConfig config = config(bucket);
    AtomicInteger busy = new AtomicInteger();
    replica.execute("STOP REPLICA SQL_THREAD");
    Recorder recorder = new Recorder();
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicInteger mostSessions = new AtomicInteger();
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        try {
          int n = (int) count(replica, "SELECT count(*) FROM information_schema.processlist WHERE user = '"
              + LOGIN + "'");
          mostSessions.accumulateAndGet(n, Math::max);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    sampler.start();
    Execution execution;
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(engines(config), config, POLICY, functions -> wrapExport(functions, e -> {
          if (e instanceof SourceBusyException && busy.incrementAndGet() == 4) {
            try {
              replica.execute("START REPLICA SQL_THREAD"); // the replica catches up after four waits
            } catch (SQLException failed) {
              throw new IllegalStateException(failed);
            }
          }
          return false;
        })))) {
      execution = runner.run(bucket, JSON.readTree("{\"runId\": \"pacing-1\", \"runDate\": \"2026-11-26\","
          + " \"load\": false}"), StateMachineRunner.Options.tests(), recorder);
    } finally {
      sampling.set(false);
      sampler.join();
      replica.execute("START REPLICA SQL_THREAD");
    }
    assertTrue(execution.succeeded(), execution.toString());
    assertTrue(busy.get() >= 4, "exports were put off: " + busy.get());
    int waits = 0;
    for (JsonNode line : execution.output().get("tables")) {
      assertEquals(4000, line.get("rows").asLong(), line.toString());
      waits += line.path("sourceWaits").asInt();
    }
    assertEquals(busy.get(), waits, "the summary counts every wait: " + execution.output());
    assertTrue(execution.output().get("cause").asText().endsWith("exports waited " + waits
        + " time(s) for replica lag"), execution.output().get("cause").asText());
    System.out.println("SourcePacingTest: " + busy.get() + " waits; at most " + mostSessions.get()
        + " export sessions seen on the replica at once (cap " + MAX_CONNECTIONS + ")");
    assertTrue(mostSessions.get() >= 1, "the sampler saw the exports' sessions");
    assertTrue(mostSessions.get() <= MAX_CONNECTIONS, "at most " + MAX_CONNECTIONS + " sessions at once, saw "
        + mostSessions.get());
  }

  @Test
  void aFailedTableRunAgainUnderItsRunIdTakesOverTheRangesItFinished() throws Exception {
    String bucket = "pacing-resume";
    PipelineConfig config = config(bucket);
    Recorder first = new Recorder();
    Execution failed;
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(engines(config), config, POLICY, functions -> wrapExport(functions, null)))) {
      failed = runner.run(bucket, JSON.readTree("{\"runId\": \"resume-1\", \"runDate\": \"2026-11-26\","
          + " \"load\": false}"), StateMachineRunner.Options.tests(), first);
    }
    assertEquals("FAILED", failed.status(), failed.toString());
    assertTrue(failed.cause().contains("pacing.b: DataException: range 00002 failed on purpose"), failed.cause());
    long finished = first.of("ExportTable").stream()
        .filter(c -> c.output() != null && c.input().get("table").asText().equals("b")).count();
    assertTrue(finished >= 1, "some ranges of b were exported before its failure");

    // The summary gives the input that runs the failed tables again under the same run id.
    JsonNode rerun = first.output("SummarizeRun").get("rerun");
    assertEquals(JSON.readTree("{\"runId\": \"resume-1\", \"runDate\": \"2026-11-26\", \"tables\": [\"pacing.b\"],"
        + " \"load\": false}"), rerun);
    Recorder second = new Recorder();
    Execution again;
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(engines(config), config, POLICY, java.util.function.UnaryOperator.identity()))) {
      again = runner.run(bucket, rerun, StateMachineRunner.Options.tests(), second);
    }
    assertTrue(again.succeeded(), again.toString());
    JsonNode b = again.output().get("tables").get(0);
    assertEquals(4000, b.get("rows").asLong(), b.toString());
    assertEquals(finished, b.get("rangesReused").asLong(), "every finished range is taken over: " + b);
    assertTrue(again.output().get("cause").asText().contains(finished + " range(s) reused from an earlier"
        + " execution"), again.output().toString());
    assertTrue(second.output("PlanRun").get("tables").get(0).get("note").asText().contains("resumes attempt 1"),
        second.output("PlanRun").toString());
  }

  /**
   * ExportTable as deployed, watched: {@code onError} sees each exception it throws; with null, the
   * export of table b's range 2 fails instead of running, with an error that is never retried.
   */
  private static Map<String, RequestStreamHandler> wrapExport(Map<String, RequestStreamHandler> functions,
      Predicate<RuntimeException> onError) {
    RequestStreamHandler export = functions.get("ExportTable");
    functions.put("ExportTable", (in, out, context) -> {
      byte[] input = in.readAllBytes();
      JsonNode request = JSON.readTree(input);
      if (onError == null && request.path("table").asText().equals("b")
          && request.path("range").path("id").asInt(-1) == 2) {
        throw new DataException("range 00002 failed on purpose", null);
      }
      try {
        export.handleRequest(new ByteArrayInputStream(input), out, context);
      } catch (RuntimeException e) {
        if (onError != null) {
          onError.test(e);
        }
        throw e;
      }
    });
    return functions;
  }

  /** The count on the replica, 0 while the table has not reached it yet (its CREATE still in the relay log). */
  private static long replicated(EmbeddedMySql server, String sql) throws SQLException {
    try {
      return count(server, sql);
    } catch (java.sql.SQLSyntaxErrorException notYet) {
      return 0;
    }
  }

  private static long count(EmbeddedMySql server, String sql) throws SQLException {
    try (Connection c = server.connect(null); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
