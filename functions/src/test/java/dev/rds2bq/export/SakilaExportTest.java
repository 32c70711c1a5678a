package dev.rds2bq.export;

import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sakila end to end with the demo policy: every row arrives, no raw personal value does. */
class SakilaExportTest {
  private static final LocalStack stack = LocalStack.get();
  private static String policy;

  @BeforeAll
  static void load() throws Exception {
    stack.sakila();
    policy = LocalStack.demoPolicy();
  }

  @Test
  void everyTableExportsWithSourceRowCountsAndNoRawPersonalValues() throws Exception {
    String bucket = stack.bucket("sakila-e2e");
    PipelineConfig config = LocalStack.config(bucket, "");
    TableExporter exporter = stack.exporterWithLogin(config, stack.ownLogin(LOGIN, "sakila", stack.mysql.port()), policy);
    // Emails, phones, street addresses and logins must not appear anywhere. Names are checked in the
    // tables that hold people's names: actors' names are public film credits and are kept.
    Set<String> anywhere = values("SELECT email FROM customer", "SELECT email, username, password FROM staff",
        "SELECT address, phone FROM address");
    Set<String> names = values("SELECT first_name, last_name FROM customer", "SELECT first_name, last_name FROM staff");
    assertTrue(anywhere.size() > 1000 && names.size() > 500, "the scan must have something to look for");

    List<String> tables = tables();
    assertEquals(16, tables.size(), "Sakila has 16 base tables: " + tables);
    for (String table : tables) {
      ExportResult r = exporter.export(new ExportRequest("run1", "1", "2026-11-26", "sakila", table, null));
      long source = count(table);
      assertEquals(source, r.rowsWritten(), table);
      List<Path> files = r.files().stream().map(f -> stack.file(bucket, f.key())).toList();
      assertEquals(source, ((Number) Parquet.query(files, "SELECT count(*) AS n FROM t").get(0).get("n")).longValue(),
          table + " read back by DuckDB");
      for (Map<String, Object> row : Parquet.query(files, "SELECT * FROM t")) {
        for (Object v : row.values()) {
          if (v instanceof String s) {
            assertFalse(anywhere.contains(s), table + " leaked a raw personal value: " + s);
            assertFalse((table.equals("customer") || table.equals("staff")) && names.contains(s),
                table + " leaked a name: " + s);
          }
        }
      }
    }
  }

  /** The exports' own login: their connections are told apart from every other test's by user. */
  private static final String LOGIN = "sakila_e2e_export";

  /**
   * The server ends a closed connection's thread just after the client's close returns, so a count
   * may lag by a moment; a connection the export left open stays for good. Up to 100 looks, 50 ms
   * apart, tell the two apart.
   */
  @org.junit.jupiter.api.AfterAll
  static void noConnectionOutlivesItsExport() throws Exception {
    int open = -1;
    for (int look = 0; look < 100 && open != 0; look++) {
      if (look > 0) {
        Thread.sleep(50);
      }
      try (Connection c = stack.mysql.connect(null); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + LOGIN + "'")) {
        rs.next();
        open = rs.getInt(1);
      }
    }
    assertEquals(0, open, "connections of the exports left open after them");
  }

  private static Set<String> values(String... queries) throws SQLException {
    Set<String> values = new HashSet<>();
    try (Connection c = stack.mysql.connect("sakila"); Statement s = c.createStatement()) {
      for (String q : queries) {
        try (ResultSet rs = s.executeQuery(q)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              String v = rs.getString(i);
              if (v != null && v.length() > 2) {
                values.add(v);
              }
            }
          }
        }
      }
    }
    return values;
  }

  private static List<String> tables() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = stack.mysql.connect("sakila"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA='sakila'"
            + " AND TABLE_TYPE='BASE TABLE' ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static long count(String table) throws SQLException {
    try (Connection c = stack.mysql.connect("sakila"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + table + "`")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
