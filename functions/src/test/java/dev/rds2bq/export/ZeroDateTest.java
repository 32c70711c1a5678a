package dev.rds2bq.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.DataException;
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
        .export(new ExportRequest("r1", "2026-11-26", "zeros", "z", null)));
    assertTrue(e.getMessage().contains("zeros.z, column d"), e.getMessage());
    assertTrue(e.getMessage().contains("zeroDates: as_null"), e.getMessage());
    assertEquals(List.of(), stack.store(bucket).list(""));
  }

  @Test
  void asNullWritesNullAndCountsPerColumn() throws Exception {
    String bucket = stack.bucket("zeros-null");
    ExportResult r = stack.exporter(LocalStack.config(bucket, "zeroDates: as_null\n"), "zeros", POLICY)
        .export(new ExportRequest("r1", "2026-11-26", "zeros", "z", null));
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
