package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * docs/data-contract.md#incremental-tables, through the state machine: an incremental table's first
 * run is a full snapshot; the next run publishes a change set (the rows after the mark less the lag,
 * a late commit below the mark included) without moving {@code _latest.json}; a reader rebuilds the
 * table from the full snapshot and the change sets {@code _state.json} lists; after
 * {@code fullEveryDays} a full snapshot re-bases; and the first run that loads gets a full snapshot,
 * which BigQuery takes whole.
 */
class IncrementalRunsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestStack stack = TestStack.get();
  private static final String POLICY = "databases: {incdb: {tables: {}}}";
  private static final String STATE = "exports/incdb/visits/_state.json";

  private static Recorder run(PipelineConfig config, String input) throws Exception {
    Recorder recorder = new Recorder();
    Execution execution;
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(config, POLICY, UnaryOperator.identity()))) {
      execution = runner.run(config.bucket(), JSON.readTree(input), StateMachineRunner.Options.tests(), recorder);
    }
    assertTrue(execution.succeeded(), execution.toString());
    return recorder;
  }

  private static void source(String... statements) throws Exception {
    try (Connection c = stack.mysql.connect("incdb"); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static List<String> sourceRows() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = stack.mysql.connect("incdb"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, page FROM visits ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getInt(1) + "|" + rs.getString(2));
      }
    }
    return rows;
  }

  private static JsonNode json(String bucket, String key) throws Exception {
    return JSON.readTree(stack.store(bucket).get(key));
  }

  /** What a reader of the bucket rebuilds: the full snapshot, then each change set in order, newest row per key. */
  private static List<String> rebuilt(String bucket) throws Exception {
    JsonNode state = json(bucket, STATE);
    List<String> manifests = new ArrayList<>();
    manifests.add(state.get("full").asText());
    state.get("changes").forEach(m -> manifests.add(m.asText()));
    List<String> selects = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      List<String> files = new ArrayList<>();
      for (JsonNode f : json(bucket, manifests.get(i)).get("files")) {
        files.add("'" + stack.file(bucket, f.get("key").asText()) + "'");
      }
      selects.add("SELECT id, page, " + i + " AS seq FROM read_parquet([" + String.join(", ", files) + "])");
    }
    List<String> rows = new ArrayList<>();
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, arg_max(page, seq) AS page FROM (" + String.join(" UNION ALL ",
            selects) + ") GROUP BY id ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getInt(1) + "|" + rs.getString(2));
      }
    }
    return rows;
  }

  private static String note(Recorder r) {
    return r.output("PlanRun").get("tables").get(0).get("note").asText();
  }

  @Test
  void aFullSnapshotThenChangeSetsThenARebase() throws Exception {
    stack.database("incdb", "CREATE TABLE visits (id INT PRIMARY KEY, page VARCHAR(20),"
        + " updated_at DATETIME(6) NOT NULL, KEY by_update (updated_at))",
        "INSERT INTO visits SELECT seq, CONCAT('/p', seq), TIMESTAMPADD(MINUTE, seq, '2026-11-01') FROM seq_1_to_5");
    String bucket = "incremental-runs";
    PipelineConfig config = stack.config(bucket, "databases: [incdb]\n"
        + "incremental: {fullEveryDays: 7, tables: {incdb.visits: {cursor: updated_at, lag: 30s}}}\n");

    Recorder first = run(config, "{\"runId\": \"inc-1\", \"runDate\": \"2026-11-20\", \"load\": false}");
    assertTrue(note(first).endsWith("incremental: full snapshot (first run)"), note(first));
    JsonNode state = json(bucket, STATE);
    String full = state.get("manifest").asText();
    assertEquals("full", json(bucket, full).get("kind").asText());
    assertEquals("2026-11-01 00:05:00.000000", state.get("mark").asText(), "the mark read in the snapshot");
    assertEquals(full, json(bucket, "exports/incdb/visits/_latest.json").get("manifest").asText());

    // A change, a new row, and a late commit: a row that lands below the mark, inside the lag.
    source("UPDATE visits SET page = '/p2-new', updated_at = '2026-11-01 00:07:00' WHERE id = 2",
        "INSERT INTO visits VALUES (6, '/p6', '2026-11-01 00:08:00'), (7, '/p7-late', '2026-11-01 00:04:45')");
    Recorder second = run(config, "{\"runId\": \"inc-2\", \"runDate\": \"2026-11-21\", \"load\": false}");
    assertTrue(note(second).contains("incremental: changes after 2026-11-01 00:04:30.000000 (mark 2026-11-01"
        + " 00:05:00.000000 less lag 30s)"), note(second));
    state = json(bucket, STATE);
    JsonNode changes = json(bucket, state.get("manifest").asText());
    assertEquals("changes", changes.get("kind").asText());
    assertEquals("2026-11-01 00:04:30.000000", changes.get("window").get("after").asText());
    assertEquals("2026-11-01 00:08:00.000000", changes.get("window").get("upTo").asText());
    assertEquals(4, changes.get("rows").asLong(), "rows 2, 5, 6 and the late 7: " + changes.get("files"));
    assertEquals(full, json(bucket, "exports/incdb/visits/_latest.json").get("manifest").asText(),
        "a change set does not move _latest.json");
    assertEquals(List.of(full), List.of(state.get("full").asText()));
    assertEquals(sourceRows(), rebuilt(bucket), "the full snapshot plus the change set is the table");

    // A week after the full snapshot, the next run re-bases.
    source("UPDATE visits SET page = '/p3-new', updated_at = '2026-11-01 00:09:00' WHERE id = 3");
    Recorder rebase = run(config, "{\"runId\": \"inc-3\", \"runDate\": \"2026-11-27\", \"load\": false}");
    assertTrue(note(rebase).contains("incremental: full snapshot (the last full snapshot (2026-11-20) is 7 days old"),
        note(rebase));
    state = json(bucket, STATE);
    assertEquals(0, state.get("changes").size());
    assertEquals(state.get("manifest").asText(), json(bucket, "exports/incdb/visits/_latest.json").get("manifest")
        .asText(), "a full snapshot moves _latest.json");
    assertEquals(sourceRows(), rebuilt(bucket));

    // The first run that loads gets a full snapshot, which BigQuery takes as it is (it then merges change sets:
    // IncrementalMergeTest).
    Recorder loaded = run(config, "{\"runId\": \"inc-4\", \"runDate\": \"2026-11-28\"}");
    assertTrue(note(loaded).endsWith("incremental: full snapshot (first load into BigQuery)"), note(loaded));
    assertEquals("SUCCEEDED", loaded.output("CheckLoads").get("loads").get(0).get("state").asText());
    List<String> warehouse = new ArrayList<>();
    for (Map<String, Object> r : stack.google.warehouse().query("SELECT id, page FROM \""
        + TestStack.dataset(bucket) + "\".incdb__visits ORDER BY id", List.of())) {
      warehouse.add(((Number) r.get("id")).intValue() + "|" + r.get("page"));
    }
    assertEquals(sourceRows(), warehouse);
  }

  @Test
  void anAppendOnlyLogWithoutPrimaryKeyReadsItsNewRowsAndAFullRunCanBeAskedFor() throws Exception {
    stack.database("incdb", "CREATE TABLE visits (id INT PRIMARY KEY, page VARCHAR(20), updated_at DATETIME(6) NOT NULL)",
        "CREATE TABLE clicks (seq BIGINT NOT NULL, target VARCHAR(20), KEY by_seq (seq))",
        "INSERT INTO clicks SELECT seq, CONCAT('/t', seq) FROM seq_1_to_100");
    String bucket = "incremental-append";
    PipelineConfig config = stack.config(bucket, "databases: [incdb]\ntables: {include: [incdb.clicks]}\n"
        + "incremental: {tables: {incdb.clicks: {mode: append_only, cursor: seq}}}\n");
    String state = "exports/incdb/clicks/_state.json";

    Recorder first = run(config, "{\"runId\": \"app-1\", \"runDate\": \"2026-11-20\", \"load\": false}");
    assertTrue(note(first).endsWith("incremental: full snapshot (first run)"), note(first));
    assertEquals("100", json(bucket, state).get("mark").asText());

    source("INSERT INTO clicks SELECT seq, CONCAT('/t', seq) FROM seq_101_to_130");
    Recorder second = run(config, "{\"runId\": \"app-2\", \"runDate\": \"2026-11-21\", \"load\": false}");
    assertTrue(note(second).contains("append_only: rows after 100 (mark 100 less lag 0)"), note(second));
    JsonNode changes = json(bucket, json(bucket, state).get("manifest").asText());
    assertEquals("changes", changes.get("kind").asText());
    assertEquals(30, changes.get("rows").asLong(), "the 30 new rows, none of the old");
    assertEquals("130", changes.get("window").get("upTo").asText());

    Recorder asked = run(config, "{\"runId\": \"app-3\", \"runDate\": \"2026-11-22\", \"load\": false,"
        + " \"full\": true}");
    assertTrue(note(asked).endsWith("incremental: full snapshot (the run asked for a full snapshot)"), note(asked));
    assertEquals(130, json(bucket, json(bucket, state).get("manifest").asText()).get("rows").asLong());
  }
}
