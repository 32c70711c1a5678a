package dev.rds2bq.config;

import static dev.rds2bq.config.PipelineConfigTest.BASE;
import static dev.rds2bq.config.PipelineConfigTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** bigquery.history, bigquery.tables (partitionBy, clusterBy) and the query settings, checked once. */
class HistoryLayoutConfigTest {
  private static final String BQ = "bigquery:\n  projectId: acme-analytics\n  dataset: snaps\n  credentialsSecretId: g\n"
      + "  s3AccessKeySecretId: k\n";

  @Test
  void historyAndLayoutsReadTyped() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", BASE + BQ + "  history: daily\n  tables:\n    app.visits:\n"
        + "      partitionBy: {column: visited_at, granularity: month}\n      clusterBy: [user_id, id]\n"
        + "    app.users:\n      clusterBy: [id]\n");
    assertEquals(PipelineConfig.History.DAILY, c.bigquery().history());
    PipelineConfig.TableLayout visits = c.bigquery().layoutOf("app", "visits");
    assertEquals(PipelineConfig.Granularity.MONTH, visits.partitionBy().granularity());
    assertEquals(List.of("user_id", "id"), visits.clusterBy());
    assertNull(c.bigquery().layoutOf("app", "users").partitionBy());
    assertEquals(PipelineConfig.Granularity.DAY, PipelineConfig.parse("c.yaml", BASE + BQ + "  tables:\n    a.b:\n"
        + "      partitionBy: {column: d}\n").bigquery().layoutOf("a", "b").partitionBy().granularity());
    PipelineConfig defaults = PipelineConfig.parse("c.yaml", BASE + BQ);
    assertEquals(PipelineConfig.History.NONE, defaults.bigquery().history());
    assertEquals(600, defaults.bigquery().queryTimeoutSeconds());
    assertTrue(defaults.bigquery().checkReceipts());
  }

  @Test
  void mistakesNameTheKey() {
    assertTrue(error(BASE + BQ + "  tables:\n    app.visits:\n      partitionBy: {column: d, granularity: week}\n")
        .contains("'bigquery.tables.app.visits.partitionBy.granularity' has the invalid value 'week'; allowed: [hour,"
            + " day, month, year]"));
    String unknown = error(BASE + BQ + "  tables:\n    app.visits:\n      clusterby: [id]\n");
    assertTrue(unknown.contains("unknown key 'bigquery.tables.app.visits.clusterby'"), unknown);
    assertTrue(error(BASE + BQ + "  tables:\n    visits:\n      clusterBy: [id]\n")
        .contains("key 'bigquery.tables' must be a map from database.table"));
    assertTrue(error(BASE + BQ + "  tables:\n    a.b:\n      clusterBy: [a, b, c, d, e]\n")
        .contains("key 'bigquery.tables.a.b.clusterBy' must be 1 to 4 distinct column names"));
    assertTrue(error(BASE + BQ + "  tables:\n    a.b:\n      partitionBy: {granularity: day}\n")
        .contains("key 'bigquery.tables.a.b.partitionBy.column' must be the name of a DATE, DATETIME or TIMESTAMP"));
    assertTrue(error(BASE + BQ + "  tables:\n    a.b: {}\n").contains("key 'bigquery.tables.a.b' must be partitionBy,"
        + " clusterBy or both"));
    assertTrue(error(BASE + BQ + "  history: daily\n  writeDisposition: write_append\n")
        .contains("key 'bigquery.history' must be none when bigquery.writeDisposition is write_append"));
    assertTrue(error(BASE + BQ + "  queryTimeoutSeconds: 5\n").contains("key 'bigquery.queryTimeoutSeconds' must be"
        + " between 10 and 21600"));
  }
}
