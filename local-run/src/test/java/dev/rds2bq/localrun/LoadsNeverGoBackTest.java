package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * docs/loading.md#loads-never-go-back: a run of an older date publishes its snapshot in S3, but
 * BigQuery keeps the newer one it holds, and the summary says so without failing the run; the same
 * run with {@code "replaceNewer": true} moves {@code _latest.json} back and loads it.
 */
class LoadsNeverGoBackTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestStack stack = TestStack.get();
  private static final String POLICY = "databases: {backdb: {tables: {}}}";

  private static Execution run(PipelineConfig config, String input) throws Exception {
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(config, POLICY, UnaryOperator.identity()))) {
      return runner.run(config.bucket(), JSON.readTree(input), StateMachineRunner.Options.tests(), new Recorder());
    }
  }

  private static void setDay(String day) throws Exception {
    try (Connection c = stack.mysql.connect("backdb"); Statement s = c.createStatement()) {
      s.execute("UPDATE t SET v = '" + day + "'");
    }
  }

  private static List<Map<String, Object>> warehouse(String dataset) {
    return stack.google.warehouse().query("SELECT v, count(*) AS n FROM \"" + dataset + "\".backdb__t GROUP BY v",
        List.of());
  }

  @Test
  void anOlderSnapshotIsPublishedButNotLoadedOverANewerOneUnlessTheRunSaysReplaceNewer() throws Exception {
    stack.database("backdb", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO t SELECT seq, 'x' FROM seq_1_to_5");
    String bucket = "loads-never-back";
    String dataset = TestStack.dataset(bucket);
    PipelineConfig config = stack.config(bucket, "databases: [backdb]\n");

    setDay("day27");
    Execution newer = run(config, "{\"runId\": \"back-27\", \"runDate\": \"2026-11-27\"}");
    assertTrue(newer.succeeded(), newer.toString());
    assertEquals(List.of(Map.of("v", "day27", "n", 5L)), warehouse(dataset));

    setDay("day26");
    Execution older = run(config, "{\"runId\": \"back-26\", \"runDate\": \"2026-11-26\"}");
    assertTrue(older.succeeded(), "a skipped load is not a failure: " + older);
    JsonNode line = older.output().get("tables").get(0);
    assertEquals("SUPERSEDED", line.get("load").asText(), line.toString());
    assertTrue(line.get("note").asText().contains("_latest.json names the snapshot of 2026-11-27 (run back-27,"
        + " attempt 1), newer than this one of 2026-11-26: BigQuery keeps it"), line.toString());
    assertNull(line.get("error"), line.toString());
    assertTrue(older.output().get("cause").asText().endsWith("not loaded, BigQuery holding a newer snapshot:"
        + " backdb.t"), older.output().toString());
    assertEquals(List.of(Map.of("v", "day27", "n", 5L)), warehouse(dataset), "BigQuery did not go back");

    Execution replace = run(config, "{\"runId\": \"back-26b\", \"runDate\": \"2026-11-26\", \"replaceNewer\": true}");
    assertTrue(replace.succeeded(), replace.toString());
    assertEquals("SUCCEEDED", replace.output().get("tables").get(0).get("load").asText(), replace.output().toString());
    assertEquals(List.of(Map.of("v", "day26", "n", 5L)), warehouse(dataset), "asked for: the older snapshot is loaded");
    JsonNode latest = JSON.readTree(stack.store(bucket).get("exports/backdb/t/_latest.json"));
    assertEquals("back-26b", latest.get("runId").asText(), "and _latest.json names it, as BigQuery does");
  }
}
