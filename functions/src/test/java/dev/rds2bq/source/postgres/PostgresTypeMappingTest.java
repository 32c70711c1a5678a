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
import dev.rds2bq.source.postgres.PostgresTypeTable.Case;
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

  private static ExportResult result;
  private static List<Path> files;

  @BeforeAll
  static void export() throws Exception {
    stack.postgresDatabase(DB, PostgresTypeTable.statements().toArray(new String[0]));
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
    for (Case c : PostgresTypeTable.CASES) {
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
    assertEquals(PostgresTypeTable.rowCount(), result.rowsWritten());
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
