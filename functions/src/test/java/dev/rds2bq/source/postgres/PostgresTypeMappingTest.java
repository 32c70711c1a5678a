package dev.rds2bq.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.ExportResult.ColumnEntry;
import dev.rds2bq.error.DataException;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every row of the PostgreSQL table in docs/type-mapping.md: a real column of each type holding its
 * minimum, its maximum, NULL and its special values (NaN, ±Infinity, infinity dates, BC dates, empty
 * ranges, arrays with NULL elements), exported and read back by DuckDB. Each case states the DuckDB
 * type (which shows the Parquet logical type), the BigQuery type and the exact text of every value.
 * Dates BigQuery cannot hold follow the zero-date rule: with {@code zeroDates: as_null} they are NULL
 * and counted.
 */
class PostgresTypeMappingTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String DB = "pgtypes";
  private static final String POLICY = "databases: {public: {tables: {t: {columns: {}}}}}";

  /** A special value: its SQL literal and its text once read back (null: written as NULL). */
  record Special(String sql, String text) {}

  /** column, declaration, min, max literals, DuckDB type, BigQuery type, min and max texts, special values. */
  record Case(String column, String declaration, String minSql, String maxSql, String duckType, String bigQuery,
      String minText, String maxText, List<Special> specials) {
    Case(String column, String declaration, String minSql, String maxSql, String duckType, String bigQuery,
        String minText, String maxText) {
      this(column, declaration, minSql, maxSql, duckType, bigQuery, minText, maxText, List.of());
    }
  }

  private static Special sp(String sql, String text) {
    return new Special(sql, text);
  }

  static final String BIG = "9".repeat(29) + "." + "9".repeat(9);

  static final List<Case> CASES = List.of(
      new Case("sm", "smallint", "-32768", "32767", "INTEGER", "INT64", "-32768", "32767"),
      new Case("i", "integer", "-2147483648", "2147483647", "INTEGER", "INT64", "-2147483648", "2147483647"),
      new Case("bi", "bigint", "-9223372036854775808", "9223372036854775807", "BIGINT", "INT64",
          "-9223372036854775808", "9223372036854775807"),
      new Case("n", "numeric(10,2)", "-99999999.99", "99999999.99", "DECIMAL(10,2)", "NUMERIC", "-99999999.99",
          "99999999.99", List.of(sp("0", "0.00"), sp("-0.005", "-0.01"))),
      new Case("n38", "numeric(38,9)", "-" + BIG, BIG, "DECIMAL(38,9)", "NUMERIC", "-" + BIG, BIG),
      new Case("n76", "numeric(76,38)", "-" + "9".repeat(38) + "." + "9".repeat(38), "9".repeat(38) + "."
          + "9".repeat(38), "DOUBLE", "BIGNUMERIC", null, null),
      new Case("nneg", "numeric(3,-2)", "-99900", "99900", "DECIMAL(5,0)", "NUMERIC", "-99900", "99900"),
      // DuckDB prints a DECIMAL without integer digits without its leading zero.
      new Case("nfrac", "numeric(3,5)", "-0.00999", "0.00999", "DECIMAL(5,5)", "NUMERIC", "-.00999", ".00999"),
      new Case("nu", "numeric", "'-Infinity'", "'Infinity'", "VARCHAR", "STRING", "-Infinity", "Infinity",
          List.of(sp("'NaN'", "NaN"), sp("123.4500", "123.4500"),
              sp("-1" + "0".repeat(60) + ".0000000000000000000000000000000000000000001",
                  "-1" + "0".repeat(60) + ".0000000000000000000000000000000000000000001"))),
      new Case("nwide", "numeric(80,0)", "-" + "9".repeat(80), "9".repeat(80), "VARCHAR", "STRING",
          "-" + "9".repeat(80), "9".repeat(80)),
      new Case("r", "real", "-3.4028235e38", "1.175494e-38", "FLOAT", "FLOAT64", "-3.4028235e+38", "1.175494e-38",
          List.of(sp("'NaN'", "nan"), sp("'Infinity'", "inf"), sp("'-Infinity'", "-inf"))),
      new Case("d", "double precision", "-1.7976931348623157e308", "5e-324", "DOUBLE", "FLOAT64",
          "-1.7976931348623157e+308", "5e-324",
          List.of(sp("'NaN'", "nan"), sp("'Infinity'", "inf"), sp("'-Infinity'", "-inf"))),
      new Case("m", "money", "'-92233720368547758.08'", "'92233720368547758.07'", "DECIMAL(19,2)", "NUMERIC",
          "-92233720368547758.08", "92233720368547758.07"),
      new Case("tx", "text", "''", "'emoji 😀 and ∑ 𠮷'", "VARCHAR", "STRING", "", "emoji 😀 and ∑ 𠮷"),
      new Case("vc", "varchar(40)", "''", "'naïve 𠮷野家 🍣'", "VARCHAR", "STRING", "", "naïve 𠮷野家 🍣"),
      new Case("ch", "char(4)", "'a'", "'ÆØ😀𠮷'", "VARCHAR", "STRING", "a", "ÆØ😀𠮷", List.of(sp("' b  '", " b"))),
      new Case("ci", "citext", "''", "'ÄbC'", "VARCHAR", "STRING", "", "ÄbC"),
      new Case("nm", "name", "''", "'pg_class'", "VARCHAR", "STRING", "", "pg_class"),
      new Case("by", "bytea", "'\\x'", "'\\xdeadbeef00'", "BLOB", "BYTES", "", "DEADBEEF00"),
      new Case("bo", "boolean", "false", "true", "BOOLEAN", "BOOL", "false", "true"),
      new Case("dt", "date", "'0001-01-01'", "'9999-12-31'", "DATE", "DATE", "0001-01-01", "9999-12-31",
          List.of(sp("'infinity'", null), sp("'-infinity'", null), sp("'0044-03-15 BC'", null),
              sp("'10000-01-01'", null), sp("'2024-02-29'", "2024-02-29"))),
      new Case("ts", "timestamp", "'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", "TIMESTAMP", "DATETIME",
          "0001-01-01 00:00:00", "9999-12-31 23:59:59.999999",
          List.of(sp("'infinity'", null), sp("'-infinity'", null), sp("'0001-12-31 23:59:59 BC'", null))),
      new Case("tz", "timestamp with time zone", "'0001-01-01 00:00:00+00'", "'9999-12-31 23:59:59.999999+00'",
          "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00",
          List.of(sp("'2020-01-01 12:00:00.5+09'", "2020-01-01 03:00:00.5+00"), sp("'infinity'", null),
              sp("'-infinity'", null))),
      new Case("tm", "time", "'00:00:00'", "'24:00:00'", "VARCHAR", "STRING", "00:00:00", "24:00:00",
          List.of(sp("'23:59:59.999999'", "23:59:59.999999"))),
      new Case("ttz", "time with time zone", "'00:00:00+15:59'", "'24:00:00-15:59'", "VARCHAR", "STRING",
          "00:00:00+15:59", "24:00:00-15:59"),
      new Case("iv", "interval", "'-178000000 years'", "'178000000 years'", "VARCHAR", "STRING", "P-178000000Y",
          "P178000000Y", List.of(sp("'1 day 02:03:04.5'", "P1DT2H3M4.5S"), sp("'0'", "PT0S"))),
      new Case("uu", "uuid", "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
          "VARCHAR", "STRING", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
      new Case("js", "json", "'{}'", "'{\"k\": [1, \"ü\", null],  \"a\": 1}'", "VARCHAR", "STRING", "{}",
          "{\"k\": [1, \"ü\", null],  \"a\": 1}"),
      new Case("jb", "jsonb", "'{}'", "'{\"k\": [1, \"ü\", null],  \"a\": 1}'", "VARCHAR", "STRING", "{}",
          "{\"a\": 1, \"k\": [1, \"ü\", null]}"),
      new Case("x", "xml", "'<a/>'", "'<r k=\"v\">ü</r>'", "VARCHAR", "STRING", "<a/>", "<r k=\"v\">ü</r>"),
      new Case("inetv", "inet", "'0.0.0.0'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", "VARCHAR", "STRING", "0.0.0.0",
          "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", List.of(sp("'192.168.0.1/24'", "192.168.0.1/24"))),
      new Case("cd", "cidr", "'0.0.0.0/0'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'", "VARCHAR", "STRING",
          "0.0.0.0/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
      new Case("macv", "macaddr", "'00:00:00:00:00:00'", "'ff:ff:ff:ff:ff:ff'", "VARCHAR", "STRING",
          "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"),
      new Case("macv8", "macaddr8", "'00:00:00:00:00:00:00:00'", "'ff:ff:ff:ff:ff:ff:ff:ff'", "VARCHAR", "STRING",
          "00:00:00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff:ff:ff"),
      new Case("bt", "bit(3)", "B'000'", "B'111'", "VARCHAR", "STRING", "000", "111"),
      new Case("vb", "bit varying(5)", "B''", "B'10101'", "VARCHAR", "STRING", "", "10101"),
      new Case("en", "mood", "'sad'", "'😀'", "VARCHAR", "STRING", "sad", "😀"),
      new Case("dom", "positive_amount", "'0.1'", "'9999.9'", "DECIMAL(5,1)", "NUMERIC", "0.1", "9999.9"),
      new Case("domt", "short_text", "''", "'ab'", "VARCHAR", "STRING", "", "ab"),
      new Case("ia", "integer[]", "'{}'", "'{{1,2},{3,NULL}}'", "VARCHAR", "STRING", "[]", "[[1,2],[3,null]]"),
      new Case("ta", "text[]", "'{}'", "'{\"a\",\"b c\",NULL,\"ü\"}'", "VARCHAR", "STRING", "[]",
          "[\"a\",\"b c\",null,\"ü\"]"),
      new Case("na", "numeric[]", "'{NaN,-Infinity}'", "'{1.50,Infinity}'", "VARCHAR", "STRING",
          "[\"NaN\",\"-Infinity\"]", "[1.50,\"Infinity\"]"),
      new Case("da", "date[]", "'{-infinity}'", "'{2020-01-01,infinity}'", "VARCHAR", "STRING", "[\"-infinity\"]",
          "[\"2020-01-01\",\"infinity\"]"),
      new Case("tza", "timestamptz[]", "'{}'", "'{\"2020-01-01 12:00+09\"}'", "VARCHAR", "STRING", "[]",
          "[\"2020-01-01T03:00:00+00:00\"]"),
      new Case("ba", "boolean[]", "'{}'", "'{true,false,NULL}'", "VARCHAR", "STRING", "[]", "[true,false,null]"),
      new Case("rg", "int4range", "'empty'", "'[1,10)'", "VARCHAR", "STRING", "empty", "[1,10)",
          List.of(sp("'(,)'", "(,)"))),
      new Case("trg", "tstzrange", "'empty'", "'[2020-01-01 00:00+09,)'", "VARCHAR", "STRING", "empty",
          "[\"2019-12-31 15:00:00+00\",)"),
      new Case("mr", "int4multirange", "'{}'", "'{[1,3),[5,7)}'", "VARCHAR", "STRING", "{}", "{[1,3),[5,7)}"),
      new Case("tsv", "tsvector", "''", "'a fat cat'", "VARCHAR", "STRING", "", "'a' 'cat' 'fat'"),
      new Case("tsq", "tsquery", "''", "'fat & rat'", "VARCHAR", "STRING", "", "'fat' & 'rat'"));

  private static ExportResult result;
  private static List<Path> files;
  private static int rowCount;

  @BeforeAll
  static void export() throws Exception {
    StringBuilder ddl = new StringBuilder("CREATE TABLE t (id integer PRIMARY KEY");
    List<String> mins = new ArrayList<>();
    List<String> maxs = new ArrayList<>();
    for (Case c : CASES) {
      ddl.append(", ").append(c.column()).append(' ').append(c.declaration());
      mins.add(c.minSql());
      maxs.add(c.maxSql());
    }
    ddl.append(")");
    String cols = String.join(", ", CASES.stream().map(Case::column).toList());
    List<String> statements = new ArrayList<>(List.of(
        "CREATE EXTENSION citext",
        "CREATE TYPE mood AS ENUM ('sad', '😀')",
        "CREATE DOMAIN positive_amount AS numeric(5,1) CHECK (VALUE > 0)",
        "CREATE DOMAIN short_text AS varchar(2)",
        ddl.toString(),
        "INSERT INTO t (id, " + cols + ") VALUES (1, " + String.join(", ", mins) + ")",
        "INSERT INTO t (id, " + cols + ") VALUES (2, " + String.join(", ", maxs) + ")",
        "INSERT INTO t (id) VALUES (3)"));
    int specials = CASES.stream().mapToInt(c -> c.specials().size()).max().orElse(0);
    for (int k = 0; k < specials; k++) {
      List<String> names = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (Case c : CASES) {
        if (c.specials().size() > k) {
          names.add(c.column());
          values.add(c.specials().get(k).sql());
        }
      }
      statements.add("INSERT INTO t (id, " + String.join(", ", names) + ") VALUES (" + (4 + k) + ", "
          + String.join(", ", values) + ")");
    }
    rowCount = 3 + specials;
    stack.postgresDatabase(DB, statements.toArray(new String[0]));
    String bucket = stack.bucket("pgtypes");
    PipelineConfig config = LocalStack.postgresConfig(bucket, DB, "zeroDates: as_null\n");
    result = stack.postgresExporter(config, DB, POLICY).export(new ExportRequest("r1", "1", "2026-11-26", "public", "t",
        null));
    files = result.files().stream().map(f -> stack.file(bucket, f.key())).toList();
  }

  @Test
  void everyTypeKeepsItsMinimumMaximumNullAndSpecialValues() throws Exception {
    Map<String, ColumnEntry> entries = new LinkedHashMap<>();
    result.columns().forEach(e -> entries.put(e.source(), e));
    List<String> problems = new ArrayList<>();
    for (Case c : CASES) {
      String q = "\"" + c.column() + "\"";
      String text = c.duckType().equals("BLOB") ? "hex(" + q + ")" : "CAST(" + q + " AS VARCHAR)";
      List<Map<String, Object>> rows = Parquet.query(files,
          "SELECT typeof(" + q + ") AS type, " + text + " AS v FROM t ORDER BY id");
      check(problems, c, "DuckDB type", c.duckType(), rows.get(0).get("type"));
      check(problems, c, "BigQuery type", c.bigQuery(), entries.get(c.column()).bigQueryType());
      check(problems, c, "NULL", null, rows.get(2).get("v"));
      if (c.minText() != null) {
        check(problems, c, "minimum", c.minText(), rows.get(0).get("v"));
        check(problems, c, "maximum", c.maxText(), rows.get(1).get("v"));
      }
      for (int k = 0; k < c.specials().size(); k++) {
        check(problems, c, "special " + c.specials().get(k).sql(), c.specials().get(k).text(),
            rows.get(3 + k).get("v"));
      }
    }
    assertEquals(rowCount, result.rowsWritten());
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void datesBigQueryCannotHoldAreCountedAsZeroDates() {
    assertEquals(Map.of("dt", 4L, "ts", 3L, "tz", 2L), result.zeroDates());
  }

  /** DuckDB reads decimals wider than 38 digits as DOUBLE; parquet-java's own reader checks every digit. */
  @Test
  void numeric76Of38KeepsEveryDigit() throws Exception {
    Map<String, String> schema = Parquet.schema(files.get(0));
    assertTrue(schema.get("n76").startsWith("FIXED_LEN_BYTE_ARRAY") && schema.get("n76").contains("76"),
        schema.get("n76"));
    List<BigDecimal> values = new ArrayList<>();
    try (org.apache.parquet.hadoop.ParquetReader<org.apache.parquet.example.data.Group> reader =
        org.apache.parquet.hadoop.ParquetReader.builder(new org.apache.parquet.hadoop.example.GroupReadSupport(),
            new org.apache.hadoop.fs.Path(files.get(0).toUri())).build()) {
      org.apache.parquet.example.data.Group g;
      while ((g = reader.read()) != null && values.size() < 3) {
        values.add(g.getFieldRepetitionCount("n76") == 0 ? null
            : new BigDecimal(new java.math.BigInteger(g.getBinary("n76", 0).getBytes()), 38));
      }
    }
    String nines = "9".repeat(38) + "." + "9".repeat(38);
    assertEquals(List.of(new BigDecimal("-" + nines), new BigDecimal(nines)), values.subList(0, 2));
    assertEquals(null, values.get(2));
  }

  @Test
  void timestampIsLocalAndTimestamptzIsUtcInTheFooter() throws Exception {
    Map<String, String> schema = Parquet.schema(files.get(0));
    assertTrue(schema.get("ts").contains("isAdjustedToUTC=0") && schema.get("ts").contains("MICROS"), schema.get("ts"));
    assertTrue(schema.get("tz").contains("isAdjustedToUTC=1") && schema.get("tz").contains("MICROS"), schema.get("tz"));
    assertEquals("public.t", Parquet.metadata(files.get(0)).get("rds2bq.source"));
  }

  @Test
  void theDeclaredTypeIsWhatTheResultAndDescriptionsName() {
    Map<String, String> declared = new LinkedHashMap<>();
    result.columns().forEach(e -> declared.put(e.source(), e.sourceType()));
    assertEquals("numeric(10,2)", declared.get("n"));
    assertEquals("timestamp with time zone", declared.get("tz"));
    assertEquals("positive_amount", declared.get("dom"));
    assertEquals("integer[]", declared.get("ia"));
  }

  @Test
  void anInfinityDateUnderTheDefaultRuleStopsTheTableNamingTheColumn() throws Exception {
    String db = "pginfinity";
    stack.postgresDatabase(db, "CREATE TABLE t (id integer PRIMARY KEY, born date)",
        "INSERT INTO t VALUES (1, '1990-01-01'), (2, 'infinity')");
    PipelineConfig config = LocalStack.postgresConfig(stack.bucket("pginfinity"), db, "");
    DataException e = assertThrows(DataException.class, () -> stack.postgresExporter(config, db, POLICY)
        .export(new ExportRequest("r1", "1", "2026-11-26", "public", "t", null)));
    assertTrue(e.getMessage().contains("column born") && e.getMessage().contains("infinity")
        && e.getMessage().contains("zeroDates: as_null"), e.getMessage());
  }

  @Test
  void nanInANumericThatLoadsAsNumericStopsTheTableNamingTheColumn() throws Exception {
    String db = "pgnan";
    stack.postgresDatabase(db, "CREATE TABLE t (id integer PRIMARY KEY, price numeric(8,2))",
        "INSERT INTO t SELECT g, g FROM generate_series(1, 5000) g", "INSERT INTO t VALUES (5001, 'NaN')");
    PipelineConfig config = LocalStack.postgresConfig(stack.bucket("pgnan"), db, "");
    DataException e = assertThrows(DataException.class, () -> stack.postgresExporter(config, db, POLICY)
        .export(new ExportRequest("r1", "1", "2026-11-26", "public", "t", null)));
    assertEquals("table public.t, column price (numeric(8,2)) holds NaN, which BigQuery's NUMERIC and BIGNUMERIC"
        + " cannot hold. Fix: set those rows to NULL in the source, or drop or redact the column in the masking"
        + " policy", e.getMessage());
  }

  @Test
  void aTypeRdsTwoBqDoesNotMapMustBeDropped() throws Exception {
    String db = "pgrefused";
    stack.postgresDatabase(db, "CREATE TYPE pair AS (a integer, b text)",
        "CREATE TABLE t (id integer PRIMARY KEY, spot point, p pair, pts point[])",
        "INSERT INTO t VALUES (1, '(1,2)', ROW(1, 'x'), '{\"(1,2)\"}')");
    PipelineConfig config = LocalStack.postgresConfig(stack.bucket("pgrefused"), db, "");
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class, () -> stack.postgresExporter(config, db,
        POLICY).export(new ExportRequest("r1", "1", "2026-11-26", "public", "t", null)));
    assertTrue(e.getMessage().contains("column 'spot' has type 'point' that rds2bq does not map")
        && e.getMessage().contains("column 'p' has type 'pair'") && e.getMessage().contains("column 'pts' has type"
        + " 'point[]'"), e.getMessage());
    ExportResult dropped = stack.postgresExporter(config, db,
        "databases: {public: {tables: {t: {columns: {spot: drop, p: drop, pts: drop}}}}}")
        .export(new ExportRequest("r1", "1", "2026-11-26", "public", "t", null));
    assertEquals(1, dropped.rowsWritten());
  }

  private static void check(List<String> problems, Case c, String what, Object expected, Object actual) {
    String e = expected == null ? null : expected.toString();
    String a = actual == null ? null : actual.toString();
    if (!Objects.equals(e, a)) {
      problems.add(c.column() + " " + c.declaration() + ": " + what + " expected <" + e + "> but was <" + a + ">");
    }
  }
}
