package dev.rds2bq.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Parquet back with DuckDB, a reader that shares no code with the writer. */
public final class Parquet {
  private Parquet() {}

  /** Rows of a query over {@code t}, a view of the given files; values as DuckDB returns them. */
  public static List<Map<String, Object>> query(List<Path> files, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("CREATE VIEW t AS SELECT * FROM read_parquet(" + list(files) + ", hive_partitioning = false)");
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i), rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  /** Column name → Parquet physical type and logical type, from the file footer. */
  public static Map<String, String> schema(Path file) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, type, logical_type, converted_type FROM parquet_schema('"
            + file.toString().replace("'", "''") + "') WHERE name <> 'rds2bq'")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3));
      }
    }
    return out;
  }

  /** Footer key-value metadata. */
  public static Map<String, String> metadata(Path file) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata('"
            + file.toString().replace("'", "''") + "')")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static String list(List<Path> files) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < files.size(); i++) {
      sb.append(i == 0 ? "'" : ", '").append(files.get(i).toString().replace("'", "''")).append('\'');
    }
    return sb.append(']').toString();
  }
}
