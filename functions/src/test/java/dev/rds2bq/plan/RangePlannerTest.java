package dev.rds2bq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ranges of a table, exported one by one, hold every row exactly once: on dense, sparse, skewed,
 * composite, string, unsigned and key-less tables. Balance is checked where the keys are skewed.
 */
class RangePlannerTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {}";

  @BeforeAll
  static void load() throws Exception {
    stack.database("ranges",
        "CREATE TABLE dense (id INT PRIMARY KEY, v INT)",
        "INSERT INTO dense SELECT seq, seq FROM seq_1_to_10000",
        "CREATE TABLE sparse (id BIGINT PRIMARY KEY, v INT)",
        "INSERT INTO sparse SELECT seq * seq * 1000, seq FROM seq_1_to_5000",
        // 90% of the rows in 1% of the key space.
        "CREATE TABLE skewed (id INT PRIMARY KEY, v INT)",
        "INSERT INTO skewed SELECT seq, seq FROM seq_1_to_9000",
        "INSERT INTO skewed SELECT 1000000 + seq * 1000, seq FROM seq_1_to_1000",
        "CREATE TABLE composite (a INT, b INT, v INT, PRIMARY KEY (a, b))",
        "INSERT INTO composite SELECT seq DIV 10, seq MOD 10, seq FROM seq_1_to_8000",
        "CREATE TABLE strkey (code VARCHAR(20) PRIMARY KEY, v INT) DEFAULT CHARSET=utf8mb4",
        "INSERT INTO strkey SELECT CONCAT(ELT(1 + seq % 4, 'a', 'B', 'c', 'É'), LPAD(seq, 6, '0')), seq"
            + " FROM seq_1_to_6000",
        "CREATE TABLE unsigned_big (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
        "INSERT INTO unsigned_big SELECT 18446744073709551615 - seq * 1000000000000, seq FROM seq_1_to_7000",
        "CREATE TABLE nokey (v INT, w VARCHAR(10))",
        "INSERT INTO nokey SELECT seq, 'x' FROM seq_1_to_3000");
  }

  @ParameterizedTest
  @CsvSource({"dense,id,10", "sparse,id,5", "skewed,id,10", "composite,a,8", "strkey,code,6",
      "unsigned_big,id,7", "nokey,,1"})
  void rangesCoverTheTableExactlyOnce(String table, String keyColumn, int expectedRanges) throws Exception {
    long rows = count(table);
    RangePlanner.TableRanges plan;
    TableSchema schema;
    try (SourceCatalog c = stack.source("ranges").catalog("ranges")) {
      schema = c.table(table);
      plan = new RangePlanner(1000).plan(c, schema, rows);
    }
    String bucket = stack.bucket("ranges");
    TableExporter exporter = stack.exporter(LocalStack.config(bucket, ""), "ranges", POLICY);
    List<ExportResult> results = new ArrayList<>();
    if (plan.ranges().isEmpty()) {
      results.add(exporter.export(new ExportRequest("r1", "1", "2026-11-26", "ranges", table, null)));
    } else {
      for (KeyRange r : plan.ranges()) {
        assertEquals(keyColumn, r.column());
        results.add(exporter.export(new ExportRequest("r1", "1", "2026-11-26", "ranges", table, r)));
      }
    }
    int ranges = Math.max(1, plan.ranges().size());
    assertTrue(Math.abs(ranges - expectedRanges) <= Math.max(1, expectedRanges / 5),
        table + ": " + ranges + " ranges, about " + expectedRanges + " wanted; " + plan.note());
    List<Path> files = new ArrayList<>();
    results.forEach(r -> r.files().forEach(f -> files.add(stack.file(bucket, f.key()))));
    String distinct = table.equals("composite") ? "count(DISTINCT (a, b))" : table.equals("nokey") ? "count(DISTINCT v)"
        : "count(DISTINCT " + keyColumn + ")";
    Map<String, Object> agg = Parquet.query(files, "SELECT count(*) AS n, " + distinct + " AS d FROM t").get(0);
    assertEquals(rows, ((Number) agg.get("n")).longValue(), table + ": rows across all ranges");
    assertEquals(rows, ((Number) agg.get("d")).longValue(), table + ": no row in two ranges");
    if (table.equals("skewed")) {
      long largest = results.stream().mapToLong(ExportResult::rowsWritten).max().orElse(0);
      assertTrue(largest <= 3 * rows / ranges, "skewed keys still give balanced ranges: largest " + largest
          + " of " + rows + " rows in " + ranges + " ranges");
    }
  }

  private static long count(String table) throws Exception {
    try (Connection c = stack.mysql.connect("ranges"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
