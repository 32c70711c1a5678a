package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * docs/loading.md#merge, through the state machine into the warehouse: an incremental table is
 * loaded whole on its first loading run, then each run merges its change set by primary key, and
 * after every run the warehouse holds exactly the source's rows (its live rows, with soft deletes).
 * The commits between runs land inside the lag (below the mark) and exactly on the mark, the cases
 * a cursor loses rows at. A load whose staged values differ from the change set fails the table
 * naming the column, merges nothing and leaves BigQuery's mark, so the next run reads the window
 * again; so does a merge that changes a value on the way; and merging the same rows twice leaves the
 * table as it was.
 */
class IncrementalMergeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestStack stack = TestStack.get();
  private static final String POLICY = "databases: {incdb: {tables: {}}}";
  private static final String STATE = "exports/incdb/accounts/_state.json";

  private record Ran(Execution execution, Recorder recorder) {
    JsonNode load() {
      return recorder.output("CheckLoads").get("loads").get(0);
    }

    String note() {
      return recorder.output("PlanRun").get("tables").get(0).get("note").asText();
    }
  }

  private static Ran run(PipelineConfig config, String runId, String runDate) throws Exception {
    return run(config, runId, runDate, "");
  }

  private static Ran run(PipelineConfig config, String runId, String runDate, String moreInput) throws Exception {
    Recorder recorder = new Recorder();
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(config, POLICY, UnaryOperator.identity()))) {
      Execution execution = runner.run(config.bucket(), JSON.readTree("{\"runId\": \"" + runId + "\", \"runDate\": \""
          + runDate + "\"" + moreInput + "}"), StateMachineRunner.Options.tests(), recorder);
      return new Ran(execution, recorder);
    }
  }

  private static Ran succeeded(PipelineConfig config, String runId, String runDate) throws Exception {
    return succeeded(config, runId, runDate, "");
  }

  private static Ran succeeded(PipelineConfig config, String runId, String runDate, String moreInput) throws Exception {
    Ran ran = run(config, runId, runDate, moreInput);
    assertTrue(ran.execution().succeeded(), ran.execution().toString());
    return ran;
  }

  private static void source(String... statements) throws Exception {
    try (Connection c = stack.mysql.connect("incdb"); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** The source's rows BigQuery must hold: all of them, or the live ones when deletes are soft. */
  private static List<String> sourceRows(boolean soft) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = stack.mysql.connect("incdb"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, label, score FROM accounts" + (soft ? " WHERE deleted_at IS NULL" : "")
            + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getInt(3));
      }
    }
    return rows;
  }

  private static List<String> warehouseRows(String bucket) {
    List<String> rows = new ArrayList<>();
    for (Map<String, Object> r : stack.google.warehouse().query("SELECT id, label, score FROM \""
        + TestStack.dataset(bucket) + "\".incdb__accounts ORDER BY id", List.of())) {
      rows.add(((Number) r.get("id")).intValue() + "|" + r.get("label") + "|" + ((Number) r.get("score")).intValue());
    }
    return rows;
  }

  private static JsonNode state(String bucket) throws Exception {
    return JSON.readTree(stack.store(bucket).get(STATE));
  }

  private static PipelineConfig table(String bucket, String deletes) throws Exception {
    stack.database("incdb", "CREATE TABLE accounts (id INT PRIMARY KEY, label VARCHAR(20), score INT,"
        + " deleted_at DATETIME NULL, updated_at DATETIME(6) NOT NULL, KEY by_update (updated_at))",
        "INSERT INTO accounts SELECT seq, CONCAT('a', seq), seq * 10, NULL,"
            + " TIMESTAMPADD(MINUTE, seq, '2026-11-01') FROM seq_1_to_5");
    return stack.config(bucket, "databases: [incdb]\n"
        + "incremental: {tables: {incdb.accounts: {cursor: updated_at, lag: 30s, deletes: " + deletes + "}}}\n");
  }

  @Test
  void changeSetsAreMergedByKeyAndTheWarehouseEqualsTheSourceAfterEveryRun() throws Exception {
    String bucket = "merge-none";
    PipelineConfig config = table(bucket, "none");
    Ran first = succeeded(config, "m-1", "2026-11-20");
    assertTrue(first.note().endsWith("incremental: full snapshot (first run)"), first.note());
    assertEquals(sourceRows(false), warehouseRows(bucket));
    assertEquals("2026-11-01 00:05:00.000000", state(bucket).get("loaded").get("mark").asText());

    // An update, an insert, a late commit below the mark (inside the 30 s lag), and one exactly on the mark.
    source("UPDATE accounts SET label = 'a2-new', score = 21, updated_at = '2026-11-01 00:07:00' WHERE id = 2",
        "INSERT INTO accounts VALUES (6, 'a6', 60, NULL, '2026-11-01 00:08:00'),"
            + " (7, 'a7-late', 70, NULL, '2026-11-01 00:04:45'), (8, 'a8-on-mark', 80, NULL, '2026-11-01 00:05:00')");
    Ran second = succeeded(config, "m-2", "2026-11-21");
    assertTrue(second.note().contains("incremental: changes after 2026-11-01 00:04:30.000000 (BigQuery's mark"
        + " 2026-11-01 00:05:00.000000 less lag 30s), merged into BigQuery"), second.note());
    JsonNode load = second.load();
    assertEquals("SUCCEEDED", load.get("state").asText(), load.toString());
    assertTrue(load.get("merge").asText().startsWith("merged 5 changed row(s) by id"), load.toString());
    assertEquals(sourceRows(false), warehouseRows(bucket), "rows 2, 5, 6, the late 7 and 8 on the mark merged");
    assertEquals(8, load.get("destinationRows").asLong());
    JsonNode summaryLine = second.execution().output().get("tables").get(0);
    assertTrue(summaryLine.get("note").asText().startsWith("merged 5 changed row(s)"), summaryLine.toString());

    // The same rows merged again (nothing changed; the lag re-reads the last 30 s): the table stays.
    Ran again = succeeded(config, "m-3", "2026-11-22");
    assertEquals("SUCCEEDED", again.load().get("state").asText(), again.load().toString());
    assertEquals(sourceRows(false), warehouseRows(bucket));

    // A merge that changes a value on the way (as a coercion would): the check after the merge fails
    // the table naming the column, and BigQuery's mark stays, so the next run merges the window again.
    String mark = state(bucket).get("loaded").get("mark").asText();
    source("UPDATE accounts SET label = 'a6-new', updated_at = '2026-11-01 00:09:00' WHERE id = 6");
    String dataset = TestStack.dataset(bucket);
    stack.google.bigQuery().alterAfterMerge(dataset, "incdb__accounts", "UPDATE \"" + dataset + "\".incdb__accounts"
        + " SET score = score + 1 WHERE id = 6");
    Ran coerced = run(config, "m-4", "2026-11-23");
    assertFalse(coerced.execution().succeeded());
    String error = coerced.load().get("errors").get(0).asText();
    assertTrue(error.contains("after the merge, the change set's rows in") && error.contains("column score"), error);
    assertEquals(mark, state(bucket).get("loaded").get("mark").asText(), "BigQuery's mark did not move");
    succeeded(config, "m-5", "2026-11-24");
    assertEquals(sourceRows(false), warehouseRows(bucket), "the window merged again sets the value back");
  }

  @Test
  void softDeletesLeaveBigQueryAndAFailedMergeLeavesTheMarkSoTheNextRunReadsTheWindowAgain() throws Exception {
    String bucket = "merge-soft";
    PipelineConfig config = table(bucket, "{soft: deleted_at}");
    source("UPDATE accounts SET deleted_at = '2026-10-31 00:00:00' WHERE id = 4");
    Ran first = succeeded(config, "s-1", "2026-11-20");
    assertEquals(sourceRows(true), warehouseRows(bucket), "a full snapshot leaves the soft-deleted row 4 out");
    assertTrue(first.load().get("merge").asText().contains("1 soft-deleted row(s) left out"), first.load().toString());

    source("UPDATE accounts SET deleted_at = '2026-11-01 00:09:00', updated_at = '2026-11-01 00:09:00' WHERE id = 3",
        "UPDATE accounts SET label = 'a1-new', updated_at = '2026-11-01 00:06:00' WHERE id = 1",
        "INSERT INTO accounts VALUES (9, 'a9-gone', 90, '2026-11-01 00:07:00', '2026-11-01 00:07:00'),"
            + " (10, 'a10-on-mark', 100, NULL, '2026-11-01 00:05:00')");
    Ran second = succeeded(config, "s-2", "2026-11-21");
    assertTrue(second.load().get("merge").asText().contains("2 deleted"), second.load().toString());
    assertEquals(sourceRows(true), warehouseRows(bucket), "3 deleted, 9 never arrives, 1 updated, 10 inserted");
    String mark = state(bucket).get("loaded").get("mark").asText();
    assertEquals("2026-11-01 00:09:00.000000", mark);

    // The staged copy of the next change set is altered by the load: the table fails naming the column,
    // nothing is merged, and BigQuery's mark stays where it was.
    List<String> before = warehouseRows(bucket);
    source("UPDATE accounts SET score = 55, updated_at = '2026-11-01 00:10:00' WHERE id = 5",
        "UPDATE accounts SET deleted_at = '2026-11-01 00:11:00', updated_at = '2026-11-01 00:11:00' WHERE id = 2");
    String dataset = TestStack.dataset(bucket);
    stack.google.transfers().alterAfterLoad(dataset, "incdb__accounts__staging", "UPDATE \"" + dataset
        + "\".incdb__accounts__staging SET score = score + 1 WHERE id = 5");
    Ran failed = run(config, "s-3", "2026-11-22");
    assertFalse(failed.execution().succeeded());
    JsonNode load = failed.load();
    assertEquals("FAILED", load.get("state").asText(), load.toString());
    assertTrue(load.get("errors").get(0).asText().contains("column score"), load.toString());
    assertTrue(load.get("errors").get(0).asText().contains("Nothing was merged"), load.toString());
    assertEquals(before, warehouseRows(bucket), "the table is as the last merge left it");
    assertNotEquals(sourceRows(true), warehouseRows(bucket));
    assertEquals(mark, state(bucket).get("loaded").get("mark").asText(), "BigQuery's mark did not move");
    assertEquals("2026-11-01 00:11:00.000000", state(bucket).get("mark").asText(),
        "the bucket's chain has the change set, for its readers");

    Ran retried = succeeded(config, "s-4", "2026-11-23");
    assertTrue(retried.note().contains("changes after 2026-11-01 00:08:30.000000 (BigQuery's mark " + mark),
        retried.note());
    assertEquals(sourceRows(true), warehouseRows(bucket), "the window read again and merged");
    assertEquals("2026-11-01 00:11:00.000000", state(bucket).get("loaded").get("mark").asText());

    // Read whole as a plain snapshot for one run: BigQuery still holds the live rows only, and the
    // state is left as it is.
    Ran snapshot = succeeded(config, "s-5", "2026-11-24", ", \"modes\": {\"incdb.accounts\": \"snapshot\"}");
    assertTrue(snapshot.note().contains("read as a snapshot this run"), snapshot.note());
    assertEquals(sourceRows(true), warehouseRows(bucket), "the soft-deleted rows 2, 3 and 4 left out again");
    assertEquals("2026-11-01 00:11:00.000000", state(bucket).get("loaded").get("mark").asText());
  }

  @Test
  void keyDiffDeletesTheRowsWhoseKeysAreGoneInEveryRangeAndCatchesRowsTheCursorNeverBrought() throws Exception {
    String bucket = "merge-keys";
    stack.database("incdb", "CREATE TABLE accounts (id INT PRIMARY KEY, label VARCHAR(20), score INT,"
        + " deleted_at DATETIME NULL, updated_at DATETIME(6) NOT NULL, KEY by_update (updated_at))",
        "INSERT INTO accounts SELECT seq, CONCAT('a', seq), seq, NULL, TIMESTAMPADD(SECOND, seq, '2026-11-01')"
            + " FROM seq_1_to_3000",
        "ANALYZE TABLE accounts");
    PipelineConfig config = stack.config(bucket, "databases: [incdb]\n"
        + "planning: {rowsPerRange: 1000, bigTableRows: 2000}\n"
        + "incremental: {tables: {incdb.accounts: {cursor: updated_at, lag: 30s, deletes: key_diff}}}\n");
    succeeded(config, "k-1", "2026-11-20");
    assertEquals(sourceRows(false), warehouseRows(bucket));

    // Rows deleted in two ranges, one updated, one inserted, and one on the mark (00:50:00).
    source("DELETE FROM accounts WHERE id IN (2, 1500)",
        "UPDATE accounts SET label = 'a2999-new', updated_at = '2026-11-01 01:00:00' WHERE id = 2999",
        "INSERT INTO accounts VALUES (3001, 'a3001', 1, NULL, '2026-11-01 01:01:00'),"
            + " (3002, 'a3002-on-mark', 2, NULL, '2026-11-01 00:50:00')");
    Ran second = succeeded(config, "k-2", "2026-11-21");
    assertTrue(second.recorder().output("PlanRun").get("tables").get(0).get("expectedRanges").asInt() > 1,
        second.recorder().output("PlanRun").toString());
    JsonNode load = second.load();
    assertTrue(load.get("merge").asText().contains("2 deleted (keys gone from the source)"), load.toString());
    assertEquals(sourceRows(false), warehouseRows(bucket), "the warehouse lost 2 and 1500, and took 2999, 3001, 3002");
    JsonNode manifest = JSON.readTree(stack.store(bucket).get(load.get("manifestKey").asText()));
    assertEquals(3000, manifest.get("keyRows").asLong(), "every key of the source, from every range");
    assertTrue(manifest.get("keyFiles").size() > 1, manifest.get("keyFiles").toString());
    String mark = state(bucket).get("loaded").get("mark").asText();

    // A commit far below the mark, later than any lag: the cursor never brings it, the keys do, and the
    // table fails rather than stay short of a row; its mark stays; a full snapshot mends it.
    source("INSERT INTO accounts VALUES (3003, 'a3003-late', 3, NULL, '2026-10-01 00:00:00')");
    Ran missed = run(config, "k-3", "2026-11-22");
    assertFalse(missed.execution().succeeded());
    assertEquals("FAILED", missed.load().get("state").asText(), missed.load().toString());
    assertTrue(missed.load().get("errors").get(0).asText().contains("holds 3000 rows where the source had 3001 in the"
        + " export's snapshot; rows committed later than the lag were never read"), missed.load().toString());
    assertEquals(mark, state(bucket).get("loaded").get("mark").asText(), "BigQuery's mark did not move");

    Ran full = succeeded(config, "k-4", "2026-11-23", ", \"modes\": {\"incdb.accounts\": \"full\"}");
    assertTrue(full.note().contains("incremental: full snapshot (the run asked for a full snapshot)"), full.note());
    assertEquals(sourceRows(false), warehouseRows(bucket));
  }

  private static List<String> rowsOf(String sql) {
    List<String> rows = new ArrayList<>();
    for (Map<String, Object> r : stack.google.warehouse().query(sql, List.of())) {
      rows.add(((Number) r.get("id")).intValue() + "|" + r.get("label") + "|" + ((Number) r.get("score")).intValue());
    }
    return rows;
  }

  /**
   * With {@code bigquery.history: daily} an incremental table still merges change sets: the first
   * run's full snapshot fills its day's partition through DTS, and each merge writes its day's
   * partition from the merged table; every partition equals the source of its day.
   */
  @Test
  void withDailyHistoryEachMergeWritesItsDaysPartition() throws Exception {
    String bucket = "merge-history";
    PipelineConfig base = table(bucket, "none");
    PipelineConfig config = new PipelineConfig(base.bucket(), base.prefix(), base.source(), base.sources(),
        base.masking(), base.parquet(), base.zeroDates(), base.databases(), base.tables(), base.planning(),
        base.runDateZone(), base.maxBackfillDays(), base.publish(), base.run(),
        base.bigquery().withHistory(PipelineConfig.History.DAILY), base.columnNames(), base.incremental());
    String[] days = {"2026-11-20", "2026-11-21", "2026-11-22"};
    List<List<String>> expected = new ArrayList<>();
    succeeded(config, "h-1", days[0]);
    expected.add(sourceRows(false));
    source("UPDATE accounts SET label = 'a2-new', updated_at = '2026-11-01 00:07:00' WHERE id = 2",
        "INSERT INTO accounts VALUES (6, 'a6', 60, NULL, '2026-11-01 00:08:00')");
    Ran second = succeeded(config, "h-2", days[1]);
    assertTrue(second.note().contains("changes after"), second.note());
    assertTrue(second.load().get("merge").asText().endsWith("history partition " + days[1] + " written from the"
        + " merged table"), second.load().toString());
    expected.add(sourceRows(false));
    source("UPDATE accounts SET score = 33, updated_at = '2026-11-01 00:09:00' WHERE id = 3",
        "INSERT INTO accounts VALUES (7, 'a7', 70, NULL, '2026-11-01 00:09:30')");
    succeeded(config, "h-3", days[2]);
    expected.add(sourceRows(false));

    String dataset = TestStack.dataset(bucket);
    for (int d = 0; d < 3; d++) {
      assertEquals(expected.get(d), rowsOf("SELECT id, label, score FROM \"" + dataset + "\".incdb__accounts__history"
          + " WHERE CAST(_PARTITIONTIME AS DATE) = DATE '" + days[d] + "' ORDER BY id"), "the partition of " + days[d]);
    }
    assertEquals(expected.get(2), warehouseRows(bucket), "the plain table holds the latest state");
  }
}
