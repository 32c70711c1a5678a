package dev.rds2bq.export;

import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.DataException;
import dev.rds2bq.testing.CountingProxy;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Zero dates fail by default and become counted NULLs when configured; never a silent change. */
class ZeroDateTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {}";

  @BeforeAll
  static void load() throws Exception {
    stack.database("zeros",
        "SET SESSION sql_mode = ''",
        "CREATE TABLE z (id INT PRIMARY KEY, d DATE, dt DATETIME, ts TIMESTAMP NULL, ok DATE)",
        "INSERT INTO z VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '2020-01-01'),"
            + " (2, '2020-00-15', '2020-05-00 10:00:00', '2020-01-01 00:00:00', '2020-01-02'),"
            + " (3, '0000-01-01', '2021-01-01 00:00:00', NULL, NULL)");
  }

  @Test
  void byDefaultTheExportFailsNamingTableAndColumnAndWritesNothing() {
    String bucket = stack.bucket("zeros-error");
    DataException e = assertThrows(DataException.class, () -> stack.exporter(LocalStack.config(bucket, ""), "zeros", POLICY)
        .export(new ExportRequest("r1", "1", "2026-11-26", "zeros", "z", null)));
    assertTrue(e.getMessage().contains("zeros.z, column d"), e.getMessage());
    assertTrue(e.getMessage().contains("zeroDates: as_null"), e.getMessage());
    assertEquals(List.of(), stack.store(bucket).list(""));
  }

  @Test
  void theMessageDoesNotRepeatTheValue() throws Exception {
    // A year-0 birthday still tells its month and day: the error, which reaches logs and the run
    // summary, names table and column only.
    stack.database("zeros_birthday", "SET SESSION sql_mode = ''",
        "CREATE TABLE p (id INT PRIMARY KEY, birthday DATE)", "INSERT INTO p VALUES (1, '0000-07-14')");
    DataException e = assertThrows(DataException.class, () -> stack.exporter(
        LocalStack.config(stack.bucket("zeros-birthday"), ""), "zeros_birthday",
        "databases: {zeros_birthday: {tables: {p: {columns: {birthday: age_band}}}}}")
        .export(new ExportRequest("r1", "1", "2026-11-26", "zeros_birthday", "p", null)));
    assertTrue(e.getMessage().contains("zeros_birthday.p, column birthday"), e.getMessage());
    assertTrue(!e.getMessage().contains("07-14") && !e.getMessage().contains("7-14"), e.getMessage());
  }

  /**
   * A failure on the first row must not stream the rest of the table first: closing a streaming
   * result set reads every remaining row unless the connection is dropped. The server's byte count
   * tells which happened.
   */
  @Test
  void aFailureEarlyInABigTableStopsTheStream() throws Exception {
    stack.database("zeros_big",
        "SET SESSION sql_mode = ''",
        "CREATE TABLE z (id INT PRIMARY KEY, d DATE, filler VARCHAR(300))",
        "INSERT INTO z VALUES (1, '0000-00-00', REPEAT('x', 300))",
        "INSERT INTO z SELECT seq, '2020-01-01', REPEAT('y', 300) FROM seq_2_to_200000");
    String bucket = stack.bucket("zeros-big");
    try (CountingProxy proxy = new CountingProxy(stack.mysql.port())) {
      // Only this export's connections go through the proxy: its count is theirs alone.
      assertThrows(DataException.class, () -> stack.exporterWithLogin(LocalStack.config(bucket, ""),
          stack.ownLogin("zeros_big_export", "zeros_big", proxy.port()), "databases: {}")
          .export(new ExportRequest("r1", "1", "2026-11-26", "zeros_big", "z", null)));
      long sent = proxy.bytesFromServer();
      assertTrue(sent > 0, "the export connected through the proxy");
      assertTrue(sent < 20_000_000, "the server sent " + sent + " bytes of a 60 MB table after the failure");
    }
    assertEquals(List.of(), stack.store(bucket).list(""));
  }

  @Test
  void asNullWritesNullAndCountsPerColumn() throws Exception {
    String bucket = stack.bucket("zeros-null");
    ExportResult r = stack.exporter(LocalStack.config(bucket, "zeroDates: as_null\n"), "zeros", POLICY)
        .export(new ExportRequest("r1", "1", "2026-11-26", "zeros", "z", null));
    assertEquals(Map.of("d", 3L, "dt", 2L, "ts", 1L), r.zeroDates());
    List<Path> files = r.files().stream().map(f -> stack.file(bucket, f.key())).toList();
    List<Map<String, Object>> rows = Parquet.query(files,
        "SELECT d, dt, ts, CAST(ok AS VARCHAR) AS ok FROM t ORDER BY id");
    assertEquals(null, rows.get(0).get("d"));
    assertEquals(null, rows.get(1).get("dt"));
    assertEquals("2020-01-02", rows.get(1).get("ok"));
    assertEquals(3, rows.size());
  }
}
