package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localgcp.Warehouse;
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
 * docs/loading.md#history and #partitioning-and-clustering end to end: with {@code bigquery.history:
 * daily}, three runs on three dates leave three day partitions in {@code <table>__history} (loaded
 * through DTS's partition decorator), each equal to the source as it was that day, while the plain
 * table holds the latest; {@code partitionBy} and {@code clusterBy} shape the table when it is
 * created, and a config that no longer matches the table fails it with the fix.
 */
class HistoryEndToEndTest {
  private static final TestStack stack = TestStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "databases: {histdb: {tables: {visits: {columns: {}}}}}";
  private static final String LAYOUT = "bigquery:\n  projectId: local-project\n  dataset: %s\n"
      + "  credentialsSecretId: test/google\n  s3AccessKeySecretId: test/s3-reader\n  history: daily\n"
      + "  tables:\n    histdb.visits:\n      partitionBy: {column: visited_at, granularity: %s}\n";

  private static Recorder run(PipelineConfig config, String runId, String runDate) throws Exception {
    Recorder recorder = new Recorder();
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(config, POLICY, UnaryOperator.identity()))) {
      runner.run(config.bucket(), JSON.readTree("{\"runId\": \"" + runId + "\", \"runDate\": \"" + runDate + "\"}"),
          StateMachineRunner.Options.tests(), recorder);
    }
    return recorder;
  }

  private static PipelineConfig config(String bucket, String granularity) {
    PipelineConfig base = stack.config(bucket, "databases: [histdb]\n");
    PipelineConfig layout = PipelineConfig.parse("layout", "bucket: " + bucket + "\nsource: {secretId: s, tls: disabled}\n"
        + "masking: {policyFile: m.yaml}\n" + String.format(LAYOUT, TestStack.dataset(bucket), granularity));
    return new PipelineConfig(base.bucket(), base.prefix(), base.source(), base.sources(), base.masking(), base.parquet(),
        base.zeroDates(), base.databases(), base.tables(), base.planning(), base.runDateZone(), base.maxBackfillDays(),
        base.publish(), base.run(), layout.bigquery(), base.columnNames());
  }

  private static List<String> source() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = stack.mysql.connect("histdb"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, page, visited_at FROM visits ORDER BY id")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getObject(3, java.time.LocalDateTime.class));
      }
    }
    return rows;
  }

  private static List<String> warehouse(String sql) {
    List<String> rows = new ArrayList<>();
    for (Map<String, Object> r : stack.google.warehouse().query(sql, List.of())) {
      Object at = r.get("visited_at");
      rows.add(((Number) r.get("id")).longValue() + "|" + r.get("page") + "|"
          + (at instanceof java.sql.Timestamp t ? t.toLocalDateTime() : at));
    }
    return rows;
  }

  @Test
  void threeDailyRunsLeaveThreePartitionsEachEqualToItsDaysSource() throws Exception {
    stack.database("histdb",
        "CREATE TABLE visits (id INT PRIMARY KEY, page VARCHAR(40), visited_at DATETIME)",
        "INSERT INTO visits VALUES (1, '/a', '2026-11-24 08:00:00'), (2, '/b', '2026-11-24 09:00:00')");
    String bucket = "history-e2e";
    String dataset = TestStack.dataset(bucket);
    PipelineConfig config = config(bucket, "day");
    String[] dates = {"2026-11-24", "2026-11-25", "2026-11-26"};
    String[] changes = {null, "UPDATE visits SET page = '/b2' WHERE id = 2; INSERT INTO visits VALUES (3, '/c',"
        + " '2026-11-25 10:00:00')", "DELETE FROM visits WHERE id = 1; INSERT INTO visits VALUES (4, '/d',"
        + " '2026-11-26 11:00:00')"};
    List<List<String>> expected = new ArrayList<>();
    for (int day = 0; day < 3; day++) {
      if (changes[day] != null) {
        try (Connection c = stack.mysql.connect("histdb"); Statement s = c.createStatement()) {
          for (String sql : changes[day].split("; ")) {
            s.execute(sql);
          }
        }
      }
      expected.add(source());
      Recorder recorder = run(config, "hist-" + day, dates[day]);
      JsonNode load = recorder.output("CheckLoads").get("loads").get(0);
      assertEquals("SUCCEEDED", load.get("state").asText(), load.toString());
      assertTrue(load.has("historyRunName"), load.toString());
    }

    Warehouse.Table history = stack.google.warehouse().table(dataset, "histdb__visits__history").orElseThrow();
    assertEquals("DAY", history.partitionType());
    assertEquals(null, history.partitionField(), "partitioned by ingestion day, filled by the decorator");
    assertEquals(List.of("id"), history.clustering(), "clustered by the primary key by default");
    List<Map<String, Object>> partitions = stack.google.warehouse().query("SELECT CAST(_PARTITIONTIME AS DATE) AS d,"
        + " count(*) AS n FROM \"" + dataset + "\".histdb__visits__history GROUP BY 1 ORDER BY 1", List.of());
    assertEquals(3, partitions.size(), partitions.toString());
    for (int day = 0; day < 3; day++) {
      assertEquals(expected.get(day), warehouse("SELECT id, page, visited_at FROM \"" + dataset
          + "\".histdb__visits__history WHERE CAST(_PARTITIONTIME AS DATE) = DATE '" + dates[day] + "' ORDER BY id"),
          "the partition of " + dates[day]);
    }
    assertEquals(expected.get(2), warehouse("SELECT id, page, visited_at FROM \"" + dataset
        + "\".histdb__visits ORDER BY id"), "the plain table holds the latest state");

    Warehouse.Table plain = stack.google.warehouse().table(dataset, "histdb__visits").orElseThrow();
    assertEquals("DAY", plain.partitionType());
    assertEquals("visited_at", plain.partitionField());
    assertEquals(List.of("id"), plain.clustering());

    // Re-running an older date replaces its partition only: the plain table keeps the newest snapshot.
    Recorder again = run(config, "hist-2b", dates[1]);
    JsonNode rerun = again.output("CheckLoads").get("loads").get(0);
    assertEquals("SUPERSEDED", rerun.get("state").asText(), rerun.toString());
    assertTrue(rerun.get("errors").get(0).asText().endsWith("its history partition " + dates[1] + " was loaded"),
        rerun.toString());
    assertEquals(expected.get(2), warehouse("SELECT id, page, visited_at FROM \"" + dataset
        + "\".histdb__visits ORDER BY id"), "the plain table did not go back");
    assertEquals(expected.get(2), warehouse("SELECT id, page, visited_at FROM \"" + dataset
        + "\".histdb__visits__history WHERE CAST(_PARTITIONTIME AS DATE) = DATE '" + dates[1] + "' ORDER BY id"));
    assertEquals(expected.get(0), warehouse("SELECT id, page, visited_at FROM \"" + dataset
        + "\".histdb__visits__history WHERE CAST(_PARTITIONTIME AS DATE) = DATE '" + dates[0] + "' ORDER BY id"));

    // The config now asks for monthly partitions: the table is not dropped, the load fails with the fix.
    Recorder changed = run(config(bucket, "month"), "hist-3", dates[2]);
    JsonNode refused = changed.output("StartLoads").get("loads").get(0);
    assertEquals("FAILED", refused.get("state").asText(), refused.toString());
    String error = refused.get("errors").get(0).asText();
    assertTrue(error.contains("is partitioned by DAY of column visited_at, but the config asks for partitioned by"
        + " MONTH of column visited_at (bigquery.tables.histdb.visits.partitionBy"), error);
    assertTrue(error.contains("CREATE TABLE"), error);
    assertEquals(expected.get(2).size(), stack.google.warehouse().count(dataset, "histdb__visits"),
        "the table is left as it was");
  }
}
