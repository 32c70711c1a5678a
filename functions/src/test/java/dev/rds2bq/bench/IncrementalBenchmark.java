package dev.rds2bq.bench;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.storage.DiscardingObjectStore;
import dev.rds2bq.testing.LocalStack;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 13's speed question (docs/benchmarks.md, "Incremental read"): a table of N rows (default 5
 * million) of which 1% changed since the last mark. In one process, alternately: the full export of
 * the table, the export of the cursor window after the mark, and the same window of a
 * {@code deletes: key_diff} table (which also writes every key), all to a discarding sink. Prints
 * the rows each read from the source, seconds (medians), the ratio, and MariaDB's EXPLAIN of the
 * window's query, which must use the cursor's index (a range scan), not read the table.
 */
public final class IncrementalBenchmark {
  private static final String DB = "incr";
  private static final String POLICY = "databases: {incr: {tables: {}}}";

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    PrintStream out = System.out;
    out.println(ExportBenchmark.machine());
    LocalStack stack = LocalStack.get();
    long started = System.nanoTime();
    stack.database(DB, "CREATE TABLE step_logs (id BIGINT PRIMARY KEY, user_id INT NOT NULL, steps INT NOT NULL,"
        + " device VARCHAR(20) NOT NULL, updated_at DATETIME(6) NOT NULL, KEY by_update (updated_at))",
        "INSERT INTO step_logs SELECT seq, seq % 50000, seq % 20000, CONCAT('dev-', seq % 97),"
            + " TIMESTAMPADD(SECOND, seq, '2026-01-01 00:00:00') FROM seq_1_to_" + rows,
        "ANALYZE TABLE step_logs");
    String mark;
    try (Connection c = stack.mysql.connect(DB); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT CAST(MAX(updated_at) AS CHAR) FROM step_logs")) {
        rs.next();
        mark = rs.getString(1);
      }
      // 1% of the rows change after the mark, spread over the whole key space.
      s.execute("UPDATE step_logs SET steps = steps + 1, updated_at = TIMESTAMPADD(SECOND, id, '2027-01-01')"
          + " WHERE id % 100 = 0");
      s.execute("ANALYZE TABLE step_logs");
    }
    out.printf("table incr.step_logs: %,d rows, 1%% changed after the mark %s (setup %.0f s)%n", rows, mark,
        (System.nanoTime() - started) / 1e9);
    try (Connection c = stack.mysql.connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN SELECT id, user_id, steps, device, updated_at FROM step_logs"
            + " WHERE updated_at > '" + mark + "' AND updated_at <= '2028-01-01 00:00:00.000000'")) {
      while (rs.next()) {
        out.printf("EXPLAIN window: type=%s key=%s rows=%s Extra=%s%n", rs.getString("type"), rs.getString("key"),
            rs.getString("rows"), rs.getString("Extra"));
      }
    }

    PipelineConfig config = LocalStack.config("bench-incremental", "databases: [" + DB + "]\n");
    TableExporter exporter = stack.exporter(config, DB, POLICY, new DiscardingObjectStore());
    // The same window with deletes: key_diff, which also reads every key of the table in the snapshot.
    PipelineConfig keyDiffConfig = LocalStack.config("bench-incremental", "databases: [" + DB + "]\n"
        + "incremental: {tables: {" + DB + ".step_logs: {cursor: updated_at, deletes: key_diff}}}\n");
    TableExporter keyDiffExporter = stack.exporter(keyDiffConfig, DB, POLICY, new DiscardingObjectStore());
    List<double[]> full = new ArrayList<>();
    List<double[]> window = new ArrayList<>();
    List<double[]> keyDiff = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      full.add(time(exporter, null));
      window.add(time(exporter, new CursorWindow("updated_at", mark, null)));
      keyDiff.add(time(keyDiffExporter, new CursorWindow("updated_at", mark, null)));
      out.printf("rep %d: full %,.0f rows in %.2f s; window %,.0f rows in %.2f s; window with key_diff %,.0f rows"
          + " and %,.0f keys in %.2f s%n", rep + 1, full.get(rep)[0], full.get(rep)[1], window.get(rep)[0],
          window.get(rep)[1], keyDiff.get(rep)[0], keyDiff.get(rep)[2], keyDiff.get(rep)[1]);
    }
    double fullSeconds = median(full);
    double windowSeconds = median(window);
    double keyDiffSeconds = median(keyDiff);
    out.printf("median: full snapshot %,.0f rows read, %.2f s; incremental window %,.0f rows read, %.2f s;"
        + " rows read ratio %.4f, time ratio %.4f (%.0fx faster)%n", full.get(0)[0], fullSeconds, window.get(0)[0],
        windowSeconds, window.get(0)[0] / full.get(0)[0], windowSeconds / fullSeconds, fullSeconds / windowSeconds);
    out.printf("median: window with key_diff %,.0f rows and %,.0f keys read, %.2f s; time ratio to the full"
        + " snapshot %.4f%n", keyDiff.get(0)[0], keyDiff.get(0)[2], keyDiffSeconds, keyDiffSeconds / fullSeconds);
    System.exit(0);
  }

  private static double[] time(TableExporter exporter, CursorWindow window) {
    long t0 = System.nanoTime();
    ExportResult r = exporter.export(new ExportRequest(null, "bench", "1", "2026-11-26", DB, "step_logs", null, null,
        window));
    long keys = r.keyFiles() == null ? 0 : r.keyFiles().stream().mapToLong(ExportResult.FileEntry::rows).sum();
    return new double[] {r.rowsRead(), (System.nanoTime() - t0) / 1e9, keys};
  }

  private static double median(List<double[]> runs) {
    double[] s = runs.stream().mapToDouble(r -> r[1]).sorted().toArray();
    return s[s.length / 2];
  }
}
