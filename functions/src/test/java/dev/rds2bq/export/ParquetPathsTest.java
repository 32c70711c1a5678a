package dev.rds2bq.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.bench.ExportBenchmark;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.parquet.RollingParquetWriter;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;

/**
 * The export writes Parquet straight into the column writers; parquet-java's record path
 * ({@code ParquetWriter} with record assembly) is the reference. The same rows go through both, and
 * every value must decode the same: the physical values as parquet-java's own reader returns them,
 * the logical values as DuckDB (a reader that shares no code with either writer) returns them, and
 * the schema, footer metadata and per-column encodings and statistics as the footers state them.
 */
class ParquetPathsTest {
  private static final LocalStack stack = LocalStack.get();

  @Test
  void everyTypeAtItsMinimumMaximumAndNull() throws Exception {
    // The table of TypeMappingTest, in a database of its own.
    StringBuilder ddl = new StringBuilder("CREATE TABLE t (id INT PRIMARY KEY");
    List<String> mins = new ArrayList<>();
    List<String> maxs = new ArrayList<>();
    for (TypeMappingTest.Case c : TypeMappingTest.CASES) {
      ddl.append(", ").append(c.column()).append(' ').append(c.declaration());
      mins.add(c.minSql());
      maxs.add(c.maxSql());
    }
    String cols = String.join(", ", TypeMappingTest.CASES.stream().map(TypeMappingTest.Case::column).toList());
    stack.database("paths_types", ddl.append(") DEFAULT CHARSET=utf8mb4").toString(),
        "INSERT INTO t (id, " + cols + ") VALUES (1, " + String.join(", ", mins) + ")",
        "INSERT INTO t (id, " + cols + ") VALUES (2, " + String.join(", ", maxs) + ")",
        "INSERT INTO t (id) VALUES (3)");
    sameOnBothPaths("paths_types", "t", "databases: {paths_types: {tables: {t: {columns: {}}}}}", 3, "");
  }

  @Test
  void aWideTableOfManyPagesAndFallenBackDictionaries() throws Exception {
    stack.mysql.recreateDatabase("paths_wide");
    ExportBenchmark.createWide(stack, "paths_wide", 60_000);
    sameOnBothPaths("paths_wide", "wide", ExportBenchmark.WIDE_KEEP.replace("bench:", "paths_wide:"), 60_000,
        "parquet: {pageKiB: 64}\n");
  }

  @Test
  void theMaskedDemoUsers() throws Exception {
    DemoData.createUsersOnly(stack.mysql, "paths_users", 30_000);
    sameOnBothPaths("paths_users", "users", ExportBenchmark.MASKED.replace("bench:", "paths_users:"), 30_000,
        "parquet: {pageKiB: 64}\n");
  }

  private static void sameOnBothPaths(String database, String table, String policy, long rows, String extraConfig)
      throws Exception {
    String bucket = stack.bucket("paths");
    PipelineConfig config = LocalStack.config(bucket, extraConfig);
    TableExporter exporter = stack.exporter(config, database, policy);
    List<Path> columns = files(bucket, exporter.export(request("columns", database, table)), rows);
    List<Path> records = files(bucket,
        exporter.withParquetPath(RollingParquetWriter.Path.RECORDS).export(request("records", database, table)), rows);

    assertEquals(Parquet.schema(records.get(0)), Parquet.schema(columns.get(0)), "schema");
    Map<String, String> recordsMeta = Parquet.metadata(records.get(0));
    Map<String, String> columnsMeta = Parquet.metadata(columns.get(0));
    recordsMeta.put("rds2bq.run_id", "-");
    columnsMeta.put("rds2bq.run_id", "-");
    assertEquals(recordsMeta, columnsMeta, "footer metadata");
    assertEquals(chunks(records), chunks(columns), "encodings and statistics of each column");

    List<String> expected = physicalRows(records);
    List<String> actual = physicalRows(columns);
    assertEquals(rows, expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), "row " + i + " as parquet-java reads it");
    }
    List<Map<String, Object>> expectedLogical = Parquet.query(records, "SELECT * FROM t ORDER BY id");
    List<Map<String, Object>> actualLogical = Parquet.query(columns, "SELECT * FROM t ORDER BY id");
    assertEquals(rows, expectedLogical.size());
    for (int i = 0; i < expectedLogical.size(); i++) {
      assertEquals(text(expectedLogical.get(i)), text(actualLogical.get(i)), "row " + i + " as DuckDB reads it");
    }
  }

  private static ExportRequest request(String runId, String database, String table) {
    return new ExportRequest(runId, "1", "2026-11-26", database, table, null);
  }

  private static List<Path> files(String bucket, ExportResult result, long rows) {
    assertEquals(rows, result.rowsWritten());
    return result.files().stream().map(f -> stack.file(bucket, f.key())).toList();
  }

  /** Every value of every row in file order, as parquet-java's example reader decodes it. */
  private static List<String> physicalRows(List<Path> files) throws Exception {
    List<String> rows = new ArrayList<>();
    for (Path file : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
          new org.apache.hadoop.fs.Path(file.toUri())).build()) {
        Group g;
        while ((g = reader.read()) != null) {
          StringBuilder sb = new StringBuilder();
          List<Type> fields = g.getType().getFields();
          for (int f = 0; f < fields.size(); f++) {
            sb.append(fields.get(f).getName()).append('=');
            if (g.getFieldRepetitionCount(f) == 0) {
              sb.append("NULL");
            } else {
              sb.append(value(g, f, fields.get(f).asPrimitiveType().getPrimitiveTypeName()));
            }
            sb.append(' ');
          }
          rows.add(sb.toString());
        }
      }
    }
    return rows;
  }

  private static String value(Group g, int f, PrimitiveType.PrimitiveTypeName type) {
    switch (type) {
      case INT32:
        return Integer.toString(g.getInteger(f, 0));
      case INT64:
        return Long.toString(g.getLong(f, 0));
      case BOOLEAN:
        return Boolean.toString(g.getBoolean(f, 0));
      case FLOAT:
        return Integer.toHexString(Float.floatToRawIntBits(g.getFloat(f, 0)));
      case DOUBLE:
        return Long.toHexString(Double.doubleToRawLongBits(g.getDouble(f, 0)));
      default:
        return HexFormat.of().formatHex(g.getBinary(f, 0).getBytes());
    }
  }

  /** Per file, row group and column: the encodings, compression and statistics the footer states. */
  private static List<Map<String, Object>> chunks(List<Path> files) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Path file : files) {
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT path_in_schema, type, encodings, compression, stats_min_value,"
              + " stats_max_value, stats_null_count, num_values FROM parquet_metadata('"
              + file.toString().replace("'", "''") + "') ORDER BY row_group_id, column_id")) {
        while (rs.next()) {
          Map<String, Object> chunk = new java.util.LinkedHashMap<>();
          for (int i = 1; i <= 8; i++) {
            chunk.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
          }
          out.add(chunk);
        }
      }
    }
    assertTrue(!out.isEmpty());
    return out;
  }

  private static String text(Map<String, Object> row) {
    StringBuilder sb = new StringBuilder();
    row.forEach((k, v) -> sb.append(k).append('=')
        .append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v)).append(' '));
    return sb.toString();
  }
}
