package dev.rds2bq.localgcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in refuses what BigQuery documents it refuses: column names outside the flexible rule,
 * reserved prefixes, names that differ only in case, periods in Parquet column names, the Parquet
 * JSON annotation and JSON columns filled from Parquet. Files are written by DuckDB, not by rds2bq.
 */
class ParquetLoadRulesTest {
  @TempDir
  Path dir;

  private static final Warehouse.Table TABLE = new Warehouse.Table("ds", "t",
      List.of(new Warehouse.Field("数量", "INT64", "NULLABLE", null)), null);

  @Test
  void theFlexibleColumnNameRule() {
    for (String ok : List.of("数量", "first name", "2fa", "価格-税込", "a&b", "x:y", "%", "<a>", "it's", "a|b", "#", "=+",
        "naïve", "ｶﾅ", "①", "数量　単位", "𠮷", "x".repeat(300))) {
      assertNull(BigQueryColumnNames.refusal(ok), ok);
    }
    for (String bad : List.of("a.b", "a,b", "price (tax)", "😀", "✅", "a!", "a\"b", "$x", "a*", "a/b", "a;b", "a?", "@a",
        "[a]", "a\\b", "a^", "a`b", "{a}", "~a", "tab\tname", "", "x".repeat(301))) {
      assertTrue(BigQueryColumnNames.refusal(bad).startsWith("Invalid field name \"" + bad + "\". Fields must contain"),
          bad);
    }
    assertTrue(BigQueryColumnNames.refusal("_PARTITIONTIME").contains("not allowed to start with"));
    assertTrue(BigQueryColumnNames.refusal("_change_type").contains("_CHANGE_TYPE"));
    assertTrue(BigQueryColumnNames.refusal(List.of("Ａ", "b", "ａ")).contains("\"Ａ\" and \"ａ\""));
  }

  @Test
  void parquetFilesAreCheckedAsALoadJobChecksThem() throws Exception {
    Path good = write("good", "SELECT 1 AS \"数量\", 'x' AS \"first name\", '{}' AS doc");
    Path dotted = write("dotted", "SELECT 1 AS \"数量\", 2 AS \"a.b\"");
    Path badName = write("bad", "SELECT 1 AS \"数量\", 2 AS \"price (tax)\"");
    Path json = write("json", "SELECT 1 AS \"数量\", '{}'::JSON AS doc");
    try (Warehouse w = new Warehouse(dir.resolve("w.duckdb"))) {
      assertNull(ParquetLoadRules.refusal(w.parquetColumns(List.of(good)), TABLE));
      assertTrue(ParquetLoadRules.refusal(w.parquetColumns(List.of(good, dotted)), TABLE)
          .contains("Column name \"a.b\" of dotted.parquet has a period"));
      assertTrue(ParquetLoadRules.refusal(w.parquetColumns(List.of(badName)), TABLE)
          .startsWith("Invalid field name \"price (tax)\""));
      assertTrue(ParquetLoadRules.refusal(w.parquetColumns(List.of(json)), TABLE)
          .contains("column doc of json.parquet is BYTE_ARRAY with the Parquet logical type JSON"));
      Warehouse.Table withJson = new Warehouse.Table("ds", "t", List.of(new Warehouse.Field("doc", "JSON", "NULLABLE",
          null)), null);
      assertTrue(ParquetLoadRules.refusal(w.parquetColumns(List.of(good)), withJson).contains("Field doc of table ds.t is JSON"));
      assertEquals(3, w.parquetColumns(List.of(good)).size(), "the root group is not a column");
    }
  }

  private Path write(String name, String select) throws Exception {
    Path file = dir.resolve(name + ".parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET)");
    }
    return file;
  }
}
