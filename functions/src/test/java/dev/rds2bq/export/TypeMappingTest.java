package dev.rds2bq.export;

import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportResult.ColumnEntry;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every row of docs/type-mapping.md: a real column of each MySQL type holding its minimum, its
 * maximum and NULL, exported and read back by DuckDB. Each case states the DuckDB type (which shows
 * the Parquet logical type), the BigQuery type, and the exact text of both values.
 */
class TypeMappingTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {types: {tables: {t: {columns: {}}}}}";

  /** column, declaration, min literal, max literal, DuckDB type, BigQuery type, min text, max text. */
  record Case(String column, String declaration, String minSql, String maxSql, String duckType, String bigQuery,
      String minText, String maxText) {}

  static final List<Case> CASES = List.of(
      new Case("ti", "TINYINT", "-128", "127", "INTEGER", "INT64", "-128", "127"),
      new Case("tiu", "TINYINT UNSIGNED", "0", "255", "INTEGER", "INT64", "0", "255"),
      new Case("t1", "TINYINT(1)", "-128", "2", "INTEGER", "INT64", "-128", "2"),
      new Case("si", "SMALLINT", "-32768", "32767", "INTEGER", "INT64", "-32768", "32767"),
      new Case("siu", "SMALLINT UNSIGNED", "0", "65535", "INTEGER", "INT64", "0", "65535"),
      new Case("mi", "MEDIUMINT", "-8388608", "8388607", "INTEGER", "INT64", "-8388608", "8388607"),
      new Case("miu", "MEDIUMINT UNSIGNED", "0", "16777215", "INTEGER", "INT64", "0", "16777215"),
      new Case("i", "INT", "-2147483648", "2147483647", "INTEGER", "INT64", "-2147483648", "2147483647"),
      new Case("iu", "INT UNSIGNED", "0", "4294967295", "BIGINT", "INT64", "0", "4294967295"),
      new Case("bi", "BIGINT", "-9223372036854775808", "9223372036854775807", "BIGINT", "INT64",
          "-9223372036854775808", "9223372036854775807"),
      new Case("biu", "BIGINT UNSIGNED", "0", "18446744073709551615", "DECIMAL(20,0)", "NUMERIC", "0",
          "18446744073709551615"),
      new Case("d5", "DECIMAL(5,2)", "-999.99", "999.99", "DECIMAL(5,2)", "NUMERIC", "-999.99", "999.99"),
      new Case("d1", "DECIMAL(10,2)", "-99999999.99", "99999999.99", "DECIMAL(10,2)", "NUMERIC", "-99999999.99",
          "99999999.99"),
      new Case("d18", "DECIMAL(18,0)", "-999999999999999999", "999999999999999999", "DECIMAL(18,0)", "NUMERIC",
          "-999999999999999999", "999999999999999999"),
      new Case("d38", "DECIMAL(38,9)", "-" + "9".repeat(29) + "." + "9".repeat(9), "9".repeat(29) + "." + "9".repeat(9),
          "DECIMAL(38,9)", "NUMERIC", "-" + "9".repeat(29) + "." + "9".repeat(9), "9".repeat(29) + "." + "9".repeat(9)),
      new Case("d65", "DECIMAL(65,30)", "-" + "9".repeat(35) + "." + "9".repeat(30), "9".repeat(35) + "." + "9".repeat(30),
          "DOUBLE", "BIGNUMERIC", null, null),
      new Case("d650", "DECIMAL(65,0)", "-" + "9".repeat(65), "9".repeat(65), "VARCHAR", "STRING",
          "-" + "9".repeat(65), "9".repeat(65)),
      new Case("fl", "FLOAT", "-3.40282e38", "1.17549e-38", "FLOAT", "FLOAT64", "-3.40282e+38", "1.17549e-38"),
      new Case("db", "DOUBLE", "-1.7976931348623157e308", "4.9e-324", "DOUBLE", "FLOAT64", "-1.7976931348623157e+308",
          "5e-324"),
      new Case("b1", "BIT(1)", "b'0'", "b'1'", "BOOLEAN", "BOOL", "false", "true"),
      new Case("b7", "BIT(7)", "b'0'", "b'1111111'", "BIGINT", "INT64", "0", "127"),
      new Case("b64", "BIT(64)", "b'0'", "x'FFFFFFFFFFFFFFFF'", "DECIMAL(20,0)", "NUMERIC", "0", "18446744073709551615"),
      new Case("dt", "DATE", "'1000-01-01'", "'9999-12-31'", "DATE", "DATE", "1000-01-01", "9999-12-31"),
      new Case("dtm", "DATETIME", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'", "TIMESTAMP", "DATETIME",
          "1000-01-01 00:00:00", "9999-12-31 23:59:59"),
      new Case("dtm6", "DATETIME(6)", "'1000-01-01 00:00:00.000001'", "'9999-12-31 23:59:59.999999'", "TIMESTAMP",
          "DATETIME", "1000-01-01 00:00:00.000001", "9999-12-31 23:59:59.999999"),
      new Case("ts", "TIMESTAMP NULL", "'1970-01-01 00:00:01'", "'2038-01-19 03:14:07'", "TIMESTAMP WITH TIME ZONE",
          "TIMESTAMP", "1970-01-01 00:00:01+00", "2038-01-19 03:14:07+00"),
      new Case("ts3", "TIMESTAMP(3) NULL", "'1970-01-01 00:00:01.001'", "'2038-01-19 03:14:07.999'",
          "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "1970-01-01 00:00:01.001+00", "2038-01-19 03:14:07.999+00"),
      new Case("tm", "TIME(6)", "'-838:59:58.123456'", "'838:59:59'", "VARCHAR", "STRING",
          "-838:59:58.123456", "838:59:59"),
      new Case("tm0", "TIME", "'-00:00:01'", "'25:00:00'", "VARCHAR", "STRING", "-00:00:01", "25:00:00"),
      new Case("yr", "YEAR", "1901", "2155", "INTEGER", "INT64", "1901", "2155"),
      new Case("ch", "CHAR(4)", "''", "'ÆØ😀𠮷'", "VARCHAR", "STRING", "", "ÆØ😀𠮷"),
      new Case("vc", "VARCHAR(40)", "''", "'𠮷野家 🍣 naïve'", "VARCHAR", "STRING", "", "𠮷野家 🍣 naïve"),
      new Case("tx", "TEXT", "''", "'emoji 😀 and ∑'", "VARCHAR", "STRING", "", "emoji 😀 and ∑"),
      new Case("l1", "VARCHAR(20) CHARACTER SET latin1", "''", "'Ærø ñ ß'", "VARCHAR", "STRING", "", "Ærø ñ ß"),
      new Case("en", "ENUM('a','ß')", "'a'", "'ß'", "VARCHAR", "STRING", "a", "ß"),
      new Case("st", "SET('x','y','z')", "''", "'x,z'", "VARCHAR", "STRING", "", "x,z"),
      new Case("js", "JSON", "'{}'", "'{\"k\": [1, \"ü\", null]}'", "VARCHAR", "STRING", "{}", "{\"k\": [1, \"ü\", null]}"),
      new Case("bn", "BINARY(4)", "x'00000000'", "x'DEADBEEF'", "BLOB", "BYTES", "00000000", "DEADBEEF"),
      new Case("vb", "VARBINARY(10)", "x''", "x'00FF'", "BLOB", "BYTES", "", "00FF"),
      new Case("bl", "BLOB", "x''", "x'0102'", "BLOB", "BYTES", "", "0102"),
      new Case("g", "GEOMETRY", "ST_GeomFromText('POINT(0 0)')", "ST_GeomFromText('POINT(1.5 -2.5)')", "BLOB",
          "BYTES", "010100000000000000000000000000000000000000", "0101000000000000000000F83F00000000000004C0"));

  private static ExportResult result;
  private static List<Path> files;

  @BeforeAll
  static void export() throws Exception {
    StringBuilder ddl = new StringBuilder("CREATE TABLE t (id INT PRIMARY KEY");
    List<String> mins = new ArrayList<>();
    List<String> maxs = new ArrayList<>();
    for (Case c : CASES) {
      ddl.append(", ").append(c.column()).append(' ').append(c.declaration());
      mins.add(c.minSql());
      maxs.add(c.maxSql());
    }
    ddl.append(") DEFAULT CHARSET=utf8mb4");
    String cols = String.join(", ", CASES.stream().map(Case::column).toList());
    stack.database("types", ddl.toString(),
        "INSERT INTO t (id, " + cols + ") VALUES (1, " + String.join(", ", mins) + ")",
        "INSERT INTO t (id, " + cols + ") VALUES (2, " + String.join(", ", maxs) + ")",
        "INSERT INTO t (id) VALUES (3)");
    String bucket = stack.bucket("types");
    PipelineConfig config = LocalStack.config(bucket, "");
    result = stack.exporter(config, "types", POLICY).export(new ExportRequest("r1", "1", "2026-11-26", "types", "t", null));
    files = result.files().stream().map(f -> stack.file(bucket, f.key())).toList();
  }

  @Test
  void everyTypeKeepsItsMinimumMaximumAndNull() throws Exception {
    Map<String, ColumnEntry> entries = new LinkedHashMap<>();
    result.columns().forEach(e -> entries.put(e.source(), e));
    List<String> problems = new ArrayList<>();
    for (Case c : CASES) {
      String text = c.duckType().equals("BLOB") ? "hex(" + c.column() + ")" : "CAST(" + c.column() + " AS VARCHAR)";
      List<Map<String, Object>> rows = Parquet.query(files,
          "SELECT typeof(" + c.column() + ") AS type, " + text + " AS v, CAST(" + c.column()
              + " AS VARCHAR) AS exact FROM t ORDER BY id");
      check(problems, c, "DuckDB type", c.duckType(), rows.get(0).get("type"));
      check(problems, c, "BigQuery type", c.bigQuery(), entries.get(c.column()).bigQueryType());
      check(problems, c, "NULL", null, rows.get(2).get("v"));
      if (c.minText() != null) {
        check(problems, c, "minimum", c.minText(), rows.get(0).get("v"));
        check(problems, c, "maximum", c.maxText(), rows.get(1).get("v"));
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** DuckDB cannot read decimals wider than 38 digits exactly, so parquet-java's own reader checks the digits. */
  @Test
  void decimal65Of30KeepsEveryDigit() throws Exception {
    Map<String, String> schema = Parquet.schema(files.get(0));
    assertTrue(schema.get("d65").startsWith("FIXED_LEN_BYTE_ARRAY"), schema.get("d65"));
    List<java.math.BigDecimal> values = new ArrayList<>();
    try (org.apache.parquet.hadoop.ParquetReader<org.apache.parquet.example.data.Group> reader =
        org.apache.parquet.hadoop.ParquetReader.builder(new org.apache.parquet.hadoop.example.GroupReadSupport(),
            new org.apache.hadoop.fs.Path(files.get(0).toUri())).build()) {
      org.apache.parquet.example.data.Group g;
      while ((g = reader.read()) != null) {
        values.add(g.getFieldRepetitionCount("d65") == 0 ? null
            : new java.math.BigDecimal(new java.math.BigInteger(g.getBinary("d65", 0).getBytes()), 30));
      }
    }
    String nines = "9".repeat(35) + "." + "9".repeat(30);
    assertEquals(new java.math.BigDecimal("-" + nines), values.get(0));
    assertEquals(new java.math.BigDecimal(nines), values.get(1));
    assertEquals(null, values.get(2));
  }

  @Test
  void datetimeIsLocalAndTimestampIsUtcInTheFooter() throws Exception {
    Map<String, String> schema = Parquet.schema(files.get(0));
    assertTrue(schema.get("dtm6").contains("isAdjustedToUTC=0") && schema.get("dtm6").contains("MICROS"), schema.get("dtm6"));
    assertTrue(schema.get("ts3").contains("isAdjustedToUTC=1") && schema.get("ts3").contains("MICROS"), schema.get("ts3"));
    assertEquals("r1", Parquet.metadata(files.get(0)).get("rds2bq.run_id"));
    assertEquals("types.t", Parquet.metadata(files.get(0)).get("rds2bq.source"));
  }

  private static void check(List<String> problems, Case c, String what, Object expected, Object actual) {
    String e = expected == null ? null : expected.toString();
    String a = actual == null ? null : actual.toString();
    if (!java.util.Objects.equals(e, a)) {
      problems.add(c.column() + " " + c.declaration() + ": " + what + " expected <" + e + "> but was <" + a + ">");
    }
  }
}
