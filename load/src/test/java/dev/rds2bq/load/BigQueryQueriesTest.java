package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TableResult;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.config.PipelineConfig.SchemaChanges;
import dev.rds2bq.config.PipelineConfig.WriteDisposition;
import dev.rds2bq.error.LoadRejectedException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Query jobs through Google's own client against the BigQuery stand-in: the statements the product
 * sends (aggregates, MERGE, parameters) run on the DuckDB warehouse and come back typed as BigQuery
 * types them, and what the stand-in cannot run is refused with the construct named.
 */
class BigQueryQueriesTest {
  private static final LoadTestbed BED = LoadTestbed.get();
  private static final BigQueryConfig CONFIG =
      LoadTestbed.bigQuery("queries", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
  private static BigQuery bigQuery;
  private static BigQueryQueries queries;
  private static final String T = "`" + LoadTestbed.PROJECT + ".queries.";

  @BeforeAll
  static void tables() {
    bigQuery = BED.clients(CONFIG).bigQuery();
    queries = new BigQueryQueries(bigQuery, CONFIG);
    bigQuery.create(DatasetInfo.newBuilder(LoadTestbed.PROJECT, "queries").setLocation("US").build());
    Schema schema = Schema.of(Field.of("id", StandardSQLTypeName.INT64), Field.of("name", StandardSQLTypeName.STRING),
        Field.of("amount", StandardSQLTypeName.NUMERIC), Field.of("ts", StandardSQLTypeName.TIMESTAMP),
        Field.of("day", StandardSQLTypeName.DATE), Field.of("local", StandardSQLTypeName.DATETIME),
        Field.of("flag", StandardSQLTypeName.BOOL));
    for (String t : List.of("target", "changes")) {
      bigQuery.create(TableInfo.of(TableId.of(LoadTestbed.PROJECT, "queries", t), StandardTableDefinition.of(schema)));
    }
  }

  private static void reset() {
    queries.run("test", "DELETE FROM " + T + "target` WHERE TRUE");
    queries.run("test", "DELETE FROM " + T + "changes` WHERE TRUE");
    queries.run("test", "INSERT INTO " + T + "target` (id, name, amount, ts, day, local, flag) VALUES"
        + " (1, 'a', NUMERIC '1.50', TIMESTAMP '2026-01-01 00:00:00+09', DATE '2026-01-01', DATETIME '2026-01-01 10:00:00', TRUE),"
        + " (2, 'bé', 2.25, TIMESTAMP '2026-01-02 12:00:00.123456+00', DATE '2026-01-02', DATETIME '2026-01-02 10:00:00.5', FALSE),"
        + " (3, NULL, NULL, NULL, NULL, NULL, NULL)");
    queries.run("test", "INSERT INTO " + T + "changes` (id, name, amount) VALUES (2, 'b2', 20), (4, 'd', 40)");
  }

  @Test
  void aggregatesComeBackTypedAsBigQueryTypesThem() {
    reset();
    BigQueryQueries.Result r = queries.run("test", "SELECT COUNT(*) AS n, COUNTIF(name IS NULL) AS name_nulls,"
        + " MIN(id) AS min_id, MAX(id) AS max_id, SUM(id) AS sum_id, SUM(amount) AS sum_amount,"
        + " SUM(BYTE_LENGTH(name)) AS name_bytes, MIN(ts) AS min_at, MAX(day) AS max_day, MAX(local) AS max_local,"
        + " COUNTIF(flag) AS trues, BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(CAST(id AS STRING))), 1, 15)) AS INT64)) AS ids"
        + " FROM " + T + "target`");
    FieldValueList row = r.rows().get(0);
    assertEquals(1, r.rows().size());
    assertEquals(3, row.get("n").getLongValue());
    assertEquals(1, row.get("name_nulls").getLongValue());
    assertEquals(1, row.get("min_id").getLongValue());
    assertEquals(3, row.get("max_id").getLongValue());
    assertEquals(6, row.get("sum_id").getLongValue());
    assertEquals(new BigDecimal("3.75"), row.get("sum_amount").getNumericValue());
    assertEquals(4, row.get("name_bytes").getLongValue(), "'a' is 1 byte and 'bé' 3 in UTF-8");
    assertEquals(Instant.parse("2025-12-31T15:00:00Z"), row.get("min_at").getTimestampInstant(), "+09 read as an instant");
    assertEquals("2026-01-02", row.get("max_day").getStringValue());
    assertEquals("2026-01-02T10:00:00.500000", row.get("max_local").getStringValue());
    assertEquals(1, row.get("trues").getLongValue());
    assertEquals(StandardSQLTypeName.NUMERIC, r.schema().getFields().get("sum_amount").getType().getStandardType());
    assertEquals(StandardSQLTypeName.TIMESTAMP, r.schema().getFields().get("min_at").getType().getStandardType());
    assertEquals(StandardSQLTypeName.DATETIME, r.schema().getFields().get("max_local").getType().getStandardType());
    long expected = 0;
    for (String id : List.of("1", "2", "3")) {
      expected ^= Long.parseLong(md5Hex(id).substring(0, 15), 16);
    }
    assertEquals(expected, row.get("ids").getLongValue(), "the MD5 checksum computed as GoogleSQL defines MD5 and TO_HEX");
    assertTrue(r.bytesProcessed() > 0, "a query reports the bytes it read");
  }

  @Test
  void mergeAppliesMatchedNotMatchedAndNotMatchedBySource() {
    reset();
    BigQueryQueries.Result merged = queries.run("test", "MERGE " + T + "target` AS t USING " + T + "changes` AS s"
        + " ON t.id = s.id"
        + " WHEN MATCHED THEN UPDATE SET name = s.name, amount = s.amount"
        + " WHEN NOT MATCHED THEN INSERT (id, name, amount) VALUES (s.id, s.name, s.amount)"
        + " WHEN NOT MATCHED BY SOURCE AND t.id = 3 THEN DELETE");
    assertEquals(3L, merged.dmlAffectedRows(), "one update, one insert, one delete");
    List<String> rows = new ArrayList<>();
    for (FieldValueList r : queries.run("test", "SELECT id, name, amount FROM " + T + "target` ORDER BY id").rows()) {
      rows.add(r.get(0).getStringValue() + "/" + r.get(1).getStringValue() + "/" + r.get(2).getNumericValue().toPlainString());
    }
    assertEquals(List.of("1/a/1.5", "2/b2/20", "4/d/40"), rows);

    BigQueryQueries.Result again = queries.run("test", "MERGE INTO " + T + "target` t USING " + T + "changes` s"
        + " ON t.id = s.id WHEN MATCHED THEN UPDATE SET name = s.name WHEN NOT MATCHED THEN INSERT ROW");
    assertEquals(2L, again.dmlAffectedRows(), "a second merge of the same changes only rewrites the same rows");
    assertEquals(3, queries.run("test", "SELECT id FROM " + T + "target`").rows().size());
  }

  /**
   * runOnce: a statement under a key of its own runs once; a second call with the key (a CheckLoads
   * that stopped waiting, or died, and polls again) takes the first job's result and changes nothing.
   */
  @Test
  void aStatementRunOnceUnderItsKeyIsNotRunAgain() {
    reset();
    String key = "merge exports/shop/t/dt=2026-11-26/run=r-" + java.util.UUID.randomUUID() + "/attempt=1/_manifest.json";
    String increment = "UPDATE " + T + "target` SET amount = amount + 1 WHERE id = 1";
    BigQueryQueries.Result first = queries.runOnce("test", increment, key, Long.MAX_VALUE);
    BigQueryQueries.Result again = queries.runOnce("test", increment, key, Long.MAX_VALUE);
    assertEquals(first.jobId(), again.jobId(), "the same job");
    assertEquals(1L, again.dmlAffectedRows());
    assertEquals(new BigDecimal("2.5"), queries.run("test", "SELECT amount FROM " + T + "target` WHERE id = 1")
        .rows().get(0).get(0).getNumericValue().stripTrailingZeros(), "incremented once, not twice");
    queries.runOnce("test", increment, key + " another", Long.MAX_VALUE);
    assertEquals(new BigDecimal("3.5"), queries.run("test", "SELECT amount FROM " + T + "target` WHERE id = 1")
        .rows().get(0).get(0).getNumericValue().stripTrailingZeros(), "another key is another job");
  }

  @Test
  void namedParametersBind() {
    reset();
    BigQueryQueries.Result r = queries.run("test", "SELECT name FROM " + T + "target` WHERE id = @id AND day >= @from",
        Map.of("id", QueryParameterValue.int64(2), "from", QueryParameterValue.date("2026-01-02")));
    assertEquals("bé", r.rows().get(0).get(0).getStringValue());
  }

  @Test
  void theClientsFastPathAndDestinationTablesWork() throws Exception {
    reset();
    TableResult fast = bigQuery.query(QueryJobConfiguration.newBuilder("SELECT id FROM " + T + "target` ORDER BY id")
        .setUseLegacySql(false).build());
    assertEquals(3, fast.getTotalRows());
    QueryJobConfiguration copy = QueryJobConfiguration.newBuilder("SELECT id, name FROM " + T + "target` WHERE id < 3")
        .setUseLegacySql(false).setDestinationTable(TableId.of("queries", "copy"))
        .setWriteDisposition(JobInfo.WriteDisposition.WRITE_TRUNCATE).build();
    bigQuery.query(copy);
    bigQuery.query(copy);
    assertEquals(2, queries.run("test", "SELECT * FROM " + T + "copy`").rows().size(), "WRITE_TRUNCATE replaced the rows");
    TableResult paged = bigQuery.create(JobInfo.of(QueryJobConfiguration.newBuilder("SELECT id FROM " + T + "target`"
        + " ORDER BY id").setUseLegacySql(false).build()))
        .getQueryResults(com.google.cloud.bigquery.BigQuery.QueryResultsOption.pageSize(1));
    List<Long> seen = new ArrayList<>();
    for (FieldValueList r : paged.iterateAll()) {
      seen.add(r.get(0).getLongValue());
    }
    assertEquals(List.of(1L, 2L, 3L), seen, "three pages of one row, in order");
  }

  @Test
  void whatTheStandInCannotRunIsRefusedNamingIt() {
    LoadRejectedException farm = assertThrows(LoadRejectedException.class, () -> queries.run("table db.t: receipt",
        "SELECT FARM_FINGERPRINT(name) FROM " + T + "target`"));
    assertTrue(farm.getMessage().startsWith("table db.t: receipt"), farm.getMessage());
    assertTrue(farm.getMessage().contains("FARM_FINGERPRINT is not served by the local stand-in"), farm.getMessage());
    LoadRejectedException other = assertThrows(LoadRejectedException.class, () -> queries.run("test",
        "SELECT * FROM `another-project.queries.target`"));
    assertTrue(other.getMessage().contains("another-project"), other.getMessage());
    LoadRejectedException scripts = assertThrows(LoadRejectedException.class, () -> queries.run("test",
        "SELECT 1; SELECT 2"));
    assertTrue(scripts.getMessage().contains("more than one statement"), scripts.getMessage());
    LoadRejectedException missing = assertThrows(LoadRejectedException.class, () -> queries.run("test",
        "SELECT * FROM " + T + "nosuch`"));
    assertTrue(missing.getMessage().contains("nosuch"), missing.getMessage());
    assertNull(queries.run("test", "SELECT 1 AS one").dmlAffectedRows());
  }

  private static String md5Hex(String s) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder();
      for (byte x : d) {
        b.append(String.format("%02x", x));
      }
      return b.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
