package dev.rds2bq.localrun;

import dev.rds2bq.localgcp.Warehouse;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.EmbeddedMySql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.stream.Stream;

/**
 * Looks for the raw values of the demo's masked columns in everything a local run wrote: every
 * Parquet file (read back by DuckDB, cell by cell and word by word), every other file (manifests,
 * export results, plans, handler results, as text), the warehouse's tables, and the run's console
 * and log output.
 */
final class LeakScan {
  /**
   * The masked text columns whose values identify someone. Sakila's customer and staff names are
   * left out: the kept actor names share them (an actor and a customer both named WILLIAMS).
   */
  static final List<String> PERSONAL = List.of(
      "healthapp.users.name", "healthapp.users.name_kana", "healthapp.users.email", "healthapp.users.phone",
      "healthapp.users.postal_code", "healthapp.users.last_ip", "healthapp.inquiries.message",
      "sakila.customer.email", "sakila.staff.email", "sakila.staff.password", "sakila.address.address",
      "sakila.address.phone");

  private LeakScan() {}

  /** The raw values, from a demo source of the same sizes; values under 6 characters say too little. */
  static Set<String> rawValues(DemoData.Sizes sizes) throws SQLException {
    Set<String> raw = new HashSet<>();
    try (EmbeddedMySql mysql = EmbeddedMySql.start(null)) {
      DemoData.loadSakila(mysql);
      DemoData.createHealthApp(mysql, DemoData.HEALTHAPP, sizes);
      for (String qualified : PERSONAL) {
        String[] p = qualified.split("\\.");
        try (Connection c = mysql.connect(p[0]); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT DISTINCT `" + p[2] + "` FROM `" + p[1] + "` WHERE `" + p[2]
                + "` IS NOT NULL")) {
          while (rs.next()) {
            String v = rs.getString(1).strip();
            if (v.length() >= 6) {
              raw.add(v);
            }
          }
        }
      }
    }
    return raw;
  }

  /** Where each raw value was found: "file: value kind", never empty when something leaked. */
  static List<String> scan(Path dataDir, String consoleAndLogs, Set<String> raw) throws IOException {
    List<String> found = new ArrayList<>();
    textSearch("console and logs", consoleAndLogs, raw, found);
    List<Path> files;
    try (Stream<Path> s = Files.walk(dataDir)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    Path warehouseFile = dataDir.resolve("warehouse.duckdb");
    try (Warehouse reader = new Warehouse(Files.createTempDirectory("leak-scan").resolve("reader.duckdb"))) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(".parquet")) {
          for (Map<String, Object> row : reader.query("SELECT * FROM read_parquet(?)", List.of(f.toString()))) {
            cells(dataDir.relativize(f).toString(), row, raw, found);
          }
        } else if (!f.startsWith(warehouseFile) && !name.startsWith("warehouse.duckdb")) {
          textSearch(dataDir.relativize(f).toString(), new String(Files.readAllBytes(f), StandardCharsets.UTF_8), raw,
              found);
        }
      }
    }
    try (Warehouse warehouse = new Warehouse(warehouseFile)) {
      for (Map<String, Object> t : warehouse.query("SELECT table_schema || '.' || table_name AS t"
          + " FROM information_schema.tables WHERE table_schema = 'rds2bq_local'", List.of())) {
        for (Map<String, Object> row : warehouse.query("SELECT * FROM " + t.get("t"), List.of())) {
          cells("warehouse " + t.get("t"), row, raw, found);
        }
      }
    }
    return found;
  }

  private static void cells(String where, Map<String, Object> row, Set<String> raw, List<String> found) {
    for (Object v : row.values()) {
      if (v == null) {
        continue;
      }
      String s = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
      if (raw.contains(s.strip())) {
        found.add(where + ": a whole cell");
        continue;
      }
      for (String word : s.split("[\\s,;\"'<>()]+")) {
        if (raw.contains(word)) {
          found.add(where + ": a word in a cell");
        }
      }
    }
  }

  private static void textSearch(String where, String text, Set<String> raw, List<String> found) {
    for (String v : raw) {
      if (text.contains(v)) {
        found.add(where + ": " + v.length() + "-character value");
      }
    }
  }
}
