package dev.rds2bq.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig.Compression;
import dev.rds2bq.config.PipelineConfig.ParquetConfig;
import dev.rds2bq.config.PipelineConfig.ZeroDatePolicy;
import dev.rds2bq.rows.Row;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.types.SourceFamily;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;

/**
 * Text dictionaries across many row groups, where the column path decides per column from the row
 * groups before (a column whose dictionary fell back is written plain), and the record path tries
 * parquet-java's dictionary again in each. The values must be the same, and so must the encodings a
 * reader meets in each column and its value and null counts. (The two paths end row groups at
 * slightly different rows, so per-group statistics are not compared.)
 */
class TextDictionariesTest {
  private static final LocalStack stack = LocalStack.get();
  private static final int ROWS = 100_000;
  private static final String[] CODES = {"new", "paid", "shipped", "東京", "cancelled", "", "x", "refunded"};

  @Test
  void manyRowGroupsDecodeTheSameOnBothPaths() throws Exception {
    MessageType schema = new MessageType("rds2bq",
        Types.optional(PrimitiveTypeName.INT64).named("n"),
        Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("code"),
        Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("token"),
        Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("sometimes"));
    String bucket = stack.bucket("dictionaries");
    // 1 MiB row groups (below what the config allows) and 64 KiB pages: a dictionary of distinct
    // tokens overflows in every row group, the codes' never does.
    ParquetConfig options = new ParquetConfig(Compression.SNAPPY, 128, 1, 64, 8);
    List<Path> columns = write(bucket, "columns", schema, options, RollingParquetWriter.Path.COLUMNS);
    List<Path> records = write(bucket, "records", schema, options, RollingParquetWriter.Path.RECORDS);

    List<Map<String, String>> columnChunks = chunks(columns.get(0));
    List<Map<String, String>> recordChunks = chunks(records.get(0));
    assertTrue(columnChunks.size() >= 3 * 4, "several row groups: " + columnChunks.size() / 4);
    assertEquals(perColumn(recordChunks), perColumn(columnChunks));
    assertTrue(columnChunks.stream().filter(c -> c.get("path_in_schema").equals("code"))
        .allMatch(c -> c.get("encodings").contains("PLAIN_DICTIONARY")), "codes keep their dictionary");
    assertTrue(columnChunks.stream().filter(c -> c.get("path_in_schema").equals("token"))
        .noneMatch(c -> c.get("encodings").contains("DICTIONARY")), "distinct tokens are plain");

    List<String> expected = rows(records);
    List<String> actual = rows(columns);
    assertEquals(ROWS, expected.size());
    for (int i = 0; i < ROWS; i++) {
      assertEquals(expected.get(i), actual.get(i), "row " + i);
    }
  }

  private static List<Path> write(String bucket, String base, MessageType schema, ParquetConfig options,
      RollingParquetWriter.Path path) throws Exception {
    ZeroDateCounter zeros = new ZeroDateCounter(ZeroDatePolicy.ERROR, "t");
    FieldWriter[] writers = {
        FieldWriters.keep(SourceFamily.LONG, null, 1, "n", 0, "n", zeros),
        FieldWriters.keep(SourceFamily.TEXT, null, 2, "code", 1, "code", zeros),
        FieldWriters.keep(SourceFamily.TEXT, null, 3, "token", 2, "token", zeros),
        FieldWriters.keep(SourceFamily.TEXT, null, 4, "sometimes", 3, "sometimes", zeros)};
    RollingParquetWriter writer = new RollingParquetWriter(stack.store(bucket), seq -> base + "-" + seq + ".parquet",
        schema, writers, Map.of("k", "v"), options, Set.of("n"), Set.of(), path);
    TestRow row = new TestRow();
    for (int i = 0; i < ROWS; i++) {
      row.n = i;
      row.code = CODES[(i * 7) % CODES.length].getBytes(StandardCharsets.UTF_8);
      long mixed = (i + 1) * 0x9E3779B97F4A7C15L;
      row.token = (Long.toHexString(mixed) + Long.toHexString(Long.rotateLeft(mixed, 29) * 0xBF58476D1CE4E5B9L))
          .getBytes(StandardCharsets.UTF_8); // distinct, and incompressible enough to fill row groups
      row.sometimes = i % 3 == 0 ? null : ("v" + (i % 1000)).getBytes(StandardCharsets.UTF_8);
      writer.write(row);
    }
    return writer.finish().stream().map(f -> stack.file(bucket, f.key())).toList();
  }

  /** Per column: every encoding set its chunks use, and the sums of values and nulls. */
  private static Map<String, String> perColumn(List<Map<String, String>> chunks) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String column : List.of("n", "code", "token", "sometimes")) {
      List<Map<String, String>> mine = chunks.stream().filter(c -> c.get("path_in_schema").equals(column)).toList();
      out.put(column, new java.util.TreeSet<>(mine.stream().map(c -> c.get("encodings")).toList()) + " values="
          + mine.stream().mapToLong(c -> Long.parseLong(c.get("num_values"))).sum() + " nulls="
          + mine.stream().mapToLong(c -> c.get("stats_null_count") == null ? -1 : Long.parseLong(c.get("stats_null_count"))).sum());
    }
    return out;
  }

  private static List<Map<String, String>> chunks(Path file) throws Exception {
    List<Map<String, String>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT row_group_id, row_group_num_rows, path_in_schema, encodings,"
            + " stats_min_value, stats_max_value, stats_null_count, num_values FROM parquet_metadata('"
            + file.toString().replace("'", "''") + "') ORDER BY row_group_id, column_id")) {
      while (rs.next()) {
        Map<String, String> chunk = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= 8; i++) {
          chunk.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
        }
        out.add(chunk);
      }
    }
    return out;
  }

  private static List<String> rows(List<Path> files) throws Exception {
    List<String> rows = new ArrayList<>();
    for (Path file : files) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
          new org.apache.hadoop.fs.Path(file.toUri())).build()) {
        Group g;
        while ((g = reader.read()) != null) {
          StringBuilder sb = new StringBuilder().append(g.getLong(0, 0));
          for (int f = 1; f < 4; f++) {
            sb.append(' ').append(g.getFieldRepetitionCount(f) == 0 ? "NULL"
                : HexFormat.of().formatHex(g.getBinary(f, 0).getBytes()));
          }
          rows.add(sb.toString());
        }
      }
    }
    return rows;
  }

  /** One row of values, as a source's batch would serve it. */
  private static final class TestRow implements Row {
    long n;
    byte[] code;
    byte[] token;
    byte[] sometimes;

    @Override
    public int getInt(int column) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long getLong(int column) {
      return n;
    }

    @Override
    public float getFloat(int column) {
      throw new UnsupportedOperationException();
    }

    @Override
    public double getDouble(int column) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean wasNull() {
      return false;
    }

    @Override
    public byte[] getBytes(int column) {
      return column == 2 ? code : column == 3 ? token : sometimes;
    }

    @Override
    public String getString(int column) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BigDecimal getBigDecimal(int column) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object getTemporal(int column) {
      throw new UnsupportedOperationException();
    }
  }
}
