package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localgcp.Warehouse;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/type-mapping.md#column-names and #json, end to end: a MySQL table with Japanese, emoji, space,
 * dot, comma, parenthesis, leading-digit and reserved-prefix column names, and a JSON column, run
 * through the state machine (export, publish, StartLoads, the DTS stand-in) into the warehouse. The
 * Parquet footers, the manifest and the BigQuery table carry the same names, and every column says
 * its MySQL name in its description.
 */
class ColumnNamesEndToEndTest {
  private static final TestStack stack = TestStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void japaneseEmojiSpacesDotsAndReservedNamesArriveReadableInTheWarehouse() throws Exception {
    stack.database("namesdb",
        "CREATE TABLE orders (`注文ID` INT PRIMARY KEY, `数量` INT COMMENT '個数', `備考` TEXT, `unit price` DECIMAL(10,2),"
            + " `2fa` TINYINT, `a.b` INT, `a,b` INT, `_PARTITIONTIME` INT, `✅ 済み` TINYINT, `価格 (税込)` INT,"
            + " `☃` INT, `設定` JSON) COMMENT '注文'",
        "INSERT INTO orders VALUES (1, 3, '至急', 12.50, 1, 10, 20, 30, 1, 1100, 7, '{\"lang\": \"ja\", \"n\": 1}'),"
            + " (2, 5, NULL, 0.99, 0, 11, 21, 31, 0, 2200, 8, NULL)");
    String bucket = "names-e2e";
    PipelineConfig config = stack.config(bucket, "databases: [namesdb]\n"
        + "columnNames:\n  rename:\n    namesdb.orders:\n      備考: remarks\n");
    Recorder recorder = new Recorder();
    Execution execution;
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(config, "databases: {namesdb: {tables: {orders: {columns: {}}}}}", UnaryOperator.identity()))) {
      execution = runner.run("names-e2e", JSON.readTree("{\"runId\": \"names-1\", \"runDate\": \"2026-11-26\"}"),
          StateMachineRunner.Options.tests(), recorder);
    }
    assertTrue(execution.succeeded(), execution.toString());
    assertEquals("SUCCEEDED", execution.output().get("tables").get(0).get("load").asText(), execution.output().toString());

    List<String> expected = List.of("注文ID", "数量", "remarks", "unit price", "2fa", "a_b", "a_b_2", "c_PARTITIONTIME",
        "_ 済み", "価格 _税込_", "u2603", "設定");
    Warehouse warehouse = stack.google.warehouse();
    Warehouse.Table table = warehouse.table(TestStack.dataset(bucket), "namesdb__orders").orElseThrow();
    assertEquals(expected, table.fields().stream().map(Warehouse.Field::name).toList(), "the BigQuery table");
    assertEquals("STRING", table.fields().get(11).type(), "MySQL JSON is a STRING column");
    assertEquals("個数; MySQL column 数量 (int(11))", table.fields().get(1).description());
    assertEquals("MySQL column 備考 (text)", table.fields().get(2).description());
    assertEquals("MySQL column ✅ 済み (tinyint(4))", table.fields().get(8).description());
    assertEquals("MySQL column 設定 (longtext)", table.fields().get(11).description());

    JsonNode manifest = manifest(bucket);
    List<String> manifestNames = new ArrayList<>();
    manifest.get("bigQuerySchema").forEach(f -> manifestNames.add(f.get("name").asText()));
    assertEquals(expected, manifestNames, "the manifest");
    assertEquals("a.b", manifest.get("columns").get(5).get("source").asText());
    assertEquals("a_b", manifest.get("columns").get(5).get("output").asText());
    assertEquals(expected, parquetFieldNames(bucket), "the Parquet footers");

    Map<String, Object> row = warehouse.query("SELECT \"数量\", remarks, \"unit price\", \"2fa\", a_b, a_b_2,"
        + " \"c_PARTITIONTIME\", \"_ 済み\", \"価格 _税込_\", u2603, \"設定\"->>'$.lang' AS lang FROM "
        + TestStack.dataset(bucket) + ".namesdb__orders WHERE \"注文ID\" = 1", List.of()).get(0);
    assertEquals(3L, ((Number) row.get("数量")).longValue());
    assertEquals("至急", row.get("remarks"));
    assertEquals(0, new BigDecimal("12.50").compareTo((BigDecimal) row.get("unit price")));
    assertEquals(1L, ((Number) row.get("2fa")).longValue());
    assertEquals(10L, ((Number) row.get("a_b")).longValue());
    assertEquals(20L, ((Number) row.get("a_b_2")).longValue());
    assertEquals(30L, ((Number) row.get("c_PARTITIONTIME")).longValue());
    assertEquals(1L, ((Number) row.get("_ 済み")).longValue());
    assertEquals(1100L, ((Number) row.get("価格 _税込_")).longValue());
    assertEquals(7L, ((Number) row.get("u2603")).longValue());
    assertEquals("ja", row.get("lang"), "the JSON text is queryable as JSON");
    assertEquals(2L, warehouse.count(TestStack.dataset(bucket), "namesdb__orders"));
  }

  /** docs/type-mapping.md says emoji beyond the BMP never reach the rule from MySQL: held to the server. */
  @Test
  void mysqlRefusesIdentifiersBeyondTheBasicMultilingualPlane() throws Exception {
    stack.database("namesbmp");
    try (Connection c = stack.mysql.connect("namesbmp"); Statement s = c.createStatement()) {
      java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
          () -> s.execute("CREATE TABLE t (`😀` INT)"));
      assertTrue(refused.getMessage().contains("Invalid utf8mb4 character string"), refused.getMessage());
      s.execute("CREATE TABLE t (`✅` INT)"); // a BMP symbol is a valid MySQL identifier
    }
  }

  private static JsonNode manifest(String bucket) throws Exception {
    try (Stream<Path> files = Files.walk(stack.root.resolve("s3").resolve(bucket))) {
      Path m = files.filter(p -> p.getFileName().toString().equals("_manifest.json")).findFirst().orElseThrow();
      return JSON.readTree(m.toFile());
    }
  }

  /** The field names of the published files, read from their footers by DuckDB. */
  private static List<String> parquetFieldNames(String bucket) throws Exception {
    Path file;
    try (Stream<Path> files = Files.walk(stack.root.resolve("s3").resolve(bucket))) {
      file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    List<String> names = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM parquet_schema('" + file + "') WHERE num_children IS NULL")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
