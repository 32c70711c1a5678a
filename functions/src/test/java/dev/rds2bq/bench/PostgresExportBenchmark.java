package dev.rds2bq.bench;

import dev.rds2bq.bench.ExportBenchmark.Figure;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.PostgresDemoData;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.source.postgres.PostgresSource;
import dev.rds2bq.storage.DiscardingObjectStore;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.testing.LocalStack;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The PostgreSQL export benchmark (docs/benchmarks.md), beside MySQL in the same process. The same
 * 21-column {@code users} table, value for value, in MariaDB and in PostgreSQL 17 on the same cores;
 * per size: (a) each engine's fastest one-connection read that consumes every column with the
 * getter the export uses (pgjdbc: a server-side cursor, fetch size 4096, binary transfer), and (b)
 * the masked export to a discarding sink, plus PostgreSQL's to S3Proxy. Prints rows/s, ratios to
 * each engine's ceiling and PostgreSQL's to MySQL's, and peak heap. Run with -Xmx256m.
 */
public final class PostgresExportBenchmark {
  static final String PG_DB = "pgbench";
  static final String PG_MASKED = ExportBenchmark.MASKED.replace("\n  bench:\n", "\n  public:\n");
  /** The export's select list for this table, as PostgresTypes writes it: the ceiling reads the same values. */
  static final String PG_SELECT = "SELECT id, name, name_kana, email, phone, birthday, gender::text, postal_code,"
      + " prefecture, height_cm, weight_kg, daily_step_goal, plan::text, points, is_active, last_login_at,"
      + " (created_at AT TIME ZONE 'UTC'), updated_at, preferences::text, bio, last_ip FROM public.users";

  public static void main(String[] args) throws Exception {
    long[] sizes = Arrays.stream((args.length == 0 ? "1000000,5000000" : args[0]).split(","))
        .mapToLong(Long::parseLong).toArray();
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    PrintStream out = System.out;
    out.println(ExportBenchmark.machine() + "; PostgreSQL 17.6 (embedded) on the same cores");
    for (long rows : sizes) {
      run(LocalStack.get(), rows, reps, out);
    }
    System.exit(0);
  }

  public static List<Figure> run(LocalStack stack, long rows, int reps, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    DemoData.createUsersOnly(stack.mysql, ExportBenchmark.DB, rows);
    PostgresDemoData.createUsersOnly(stack.postgres(), PG_DB, rows);
    out.printf("%n== users: %,d rows, 21 columns, in MariaDB and PostgreSQL (generated in %.1f s) ==%n", rows,
        (System.nanoTime() - t0) / 1e9);
    String bucket = stack.bucket("pgbench");
    PipelineConfig mysqlConfig = LocalStack.config(bucket, "");
    TableExporter mysqlToNothing = stack.exporter(mysqlConfig, ExportBenchmark.DB, ExportBenchmark.MASKED,
        new DiscardingObjectStore());
    MySqlSource mysql = new MySqlSource(
        dev.rds2bq.config.DatabaseSecret.parse("bench", stack.mysql.secretJson(ExportBenchmark.DB)),
        mysqlConfig.source());
    TableSchema mysqlSchema;
    try (SourceCatalog c = mysql.catalog(ExportBenchmark.DB)) {
      mysqlSchema = c.table("users");
    }

    PipelineConfig pgConfig = LocalStack.postgresConfig(bucket, PG_DB, "");
    MapSecretSource pgSecrets = new MapSecretSource(stack.postgresSecrets(PG_DB));
    MaskingPolicy pgPolicy = MaskingPolicy.parse("masking.yaml", PG_MASKED);
    TableExporter pgToS3 = new Engines(pgConfig, pgSecrets, stack.store(bucket)).exporter(pgPolicy, ExportListener.NONE);
    TableExporter pgToNothing = new Engines(pgConfig, pgSecrets, new DiscardingObjectStore())
        .exporter(pgPolicy, ExportListener.NONE);
    PostgresSource pg = (PostgresSource) new Engines(pgConfig, pgSecrets, new DiscardingObjectStore()).source();

    long[] bytes = new long[2];
    List<Figure> figures = new ArrayList<>();
    for (int rep = 1; rep <= reps; rep++) {
      figures.add(ExportBenchmark.measure("users", "mysql a  streaming read", rows,
          () -> bytes[0] = ExportBenchmark.rawRead(mysql, mysqlSchema)));
      figures.add(ExportBenchmark.measure("users", "mysql b  masked -> discard", rows,
          () -> ExportBenchmark.export(mysqlToNothing, "users", rows)));
      figures.add(ExportBenchmark.measure("users", "pg    a  cursor read", rows, () -> bytes[1] = rawRead(pg)));
      figures.add(ExportBenchmark.measure("users", "pg    b  masked -> discard", rows, () -> export(pgToNothing, rows)));
      figures.add(ExportBenchmark.measure("users", "pg    b  masked -> S3Proxy", rows, () -> export(pgToS3, rows)));
      out.printf("  repetition %d of %d done%n", rep, reps);
    }
    print(out, figures, rows, bytes);
    for (ObjectStore.StoredObject o : stack.store(bucket).list("")) {
      stack.store(bucket).delete(o.key());
    }
    return figures;
  }

  static long export(TableExporter exporter, long rows) {
    ExportResult r = exporter.export(new ExportRequest("bench", "1", "2026-11-26", "public", "users", null));
    if (r.rowsWritten() != rows) {
      throw new IllegalStateException("exported " + r.rowsWritten() + " of " + rows + " rows");
    }
    return r.bytes();
  }

  /**
   * The ceiling: the export's connection settings and select list, a server-side cursor of the
   * export's fetch size, every column consumed with the export's getter, nothing written.
   */
  static long rawRead(PostgresSource source) throws Exception {
    long bytes = 0;
    long sink = 0;
    try (Connection c = source.open()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(PG_SELECT, ResultSet.TYPE_FORWARD_ONLY,
          ResultSet.CONCUR_READ_ONLY)) {
        ps.setFetchSize(4096);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sink += rs.getLong(1);
            bytes += 8;
            for (int col : new int[] {2, 3, 4, 5, 7, 8, 9, 13, 19, 20, 21}) {
              byte[] v = rs.getBytes(col);
              bytes += v == null ? 0 : v.length;
            }
            LocalDate birthday = rs.getObject(6, LocalDate.class);
            bytes += birthday == null ? 0 : 4;
            for (int col : new int[] {10, 11}) {
              BigDecimal v = rs.getBigDecimal(col);
              bytes += v == null ? 0 : 8;
            }
            sink += rs.getInt(12) + rs.getLong(14) + rs.getInt(15);
            bytes += 16;
            for (int col : new int[] {16, 17, 18}) {
              LocalDateTime v = rs.getObject(col, LocalDateTime.class);
              bytes += v == null ? 0 : 8;
            }
          }
        }
      }
      c.rollback();
    }
    return sink == Long.MIN_VALUE ? -1 : bytes;
  }

  static void print(PrintStream out, List<Figure> figures, long rows, long[] bytes) {
    double mysqlCeiling = ExportBenchmark.median(figures, "mysql a  streaming read", Figure::seconds);
    double pgCeiling = ExportBenchmark.median(figures, "pg    a  cursor read", Figure::seconds);
    double mysqlExport = ExportBenchmark.median(figures, "mysql b  masked -> discard", Figure::seconds);
    out.printf("%n%-30s %5s %8s %10s %12s %12s %10s %10s%n", "path (median of runs)", "runs", "seconds", "rows/s",
        "vs own (a)", "vs MySQL b", "peak heap", "JVM cpu s");
    for (String path : figures.stream().map(Figure::path).distinct().toList()) {
      List<Figure> runs = figures.stream().filter(f -> f.path().equals(path)).toList();
      double s = ExportBenchmark.median(figures, path, Figure::seconds);
      long peak = runs.stream().mapToLong(Figure::peakHeap).max().orElse(0);
      double jvm = ExportBenchmark.median(figures, path, Figure::clientCpu);
      double own = path.startsWith("pg") ? pgCeiling : mysqlCeiling;
      out.printf("%-30s %5d %8.2f %,10.0f %12.2f %12.2f %7d MB %10.2f%n", path, runs.size(), s, rows / s, own / s,
          mysqlExport / s, peak >> 20, jvm);
    }
    out.printf("values consumed per read: MySQL %.1f MB, PostgreSQL %.1f MB%n", bytes[0] / 1e6, bytes[1] / 1e6);
  }
}
