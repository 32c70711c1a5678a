package dev.rds2bq.bench;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.plan.RangePlanner;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.storage.DiscardingObjectStore;
import dev.rds2bq.testing.LocalStack;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One table exported as one range, then as N ranges by N threads in the same process (the Map
 * state's fan-out, in miniature): wall time, speedup over one range, CPU and peak heap.
 * Arguments: rows, then the worker counts, e.g. {@code 5000000 1,2,4}.
 */
public final class RangeBenchmark {
  record Figure(int workers, int ranges, double seconds, long rows, double jvmCpu, double dbCpu, long peakHeap) {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
    int[] workers = java.util.Arrays.stream((args.length > 1 ? args[1] : "1,2,4").split(","))
        .mapToInt(Integer::parseInt).toArray();
    System.out.println(ExportBenchmark.machine());
    run(LocalStack.get(), rows, workers, System.out);
    System.exit(0);
  }

  public static List<Figure> run(LocalStack stack, long rows, int[] workers, PrintStream out) throws Exception {
    DemoData.createUsersOnly(stack.mysql, ExportBenchmark.DB, rows);
    PipelineConfig config = LocalStack.config(stack.bucket("bench"), "");
    TableExporter exporter = stack.exporter(config, ExportBenchmark.DB, ExportBenchmark.MASKED,
        new DiscardingObjectStore());
    Source source = new MySqlSource(DatabaseSecret.parse("b", stack.mysql.secretJson("bench")), config.source());
    TableSchema schema;
    try (SourceCatalog c = source.catalog(ExportBenchmark.DB)) {
      schema = c.table("users");
    }
    List<Figure> figures = new ArrayList<>();
    for (int n : workers) {
      List<KeyRange> ranges;
      try (SourceCatalog c = source.catalog(ExportBenchmark.DB)) {
        ranges = n == 1 ? List.of() : new RangePlanner((rows + n - 1) / n).plan(c, schema, rows).ranges();
      }
      List<KeyRange> work = ranges.isEmpty() ? java.util.Collections.singletonList(null) : ranges;
      ExportBenchmark.HeapSampler heap = new ExportBenchmark.HeapSampler();
      double jvm0 = ExportBenchmark.clientCpu();
      double db0 = ExportBenchmark.serverCpu();
      long start = System.nanoTime();
      long exported = 0;
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Future<ExportResult>> futures = new ArrayList<>();
        for (KeyRange r : work) {
          futures.add(pool.submit(() -> exporter.export(new ExportRequest("bench", "1", "2026-11-26", ExportBenchmark.DB,
              "users", r))));
        }
        for (Future<ExportResult> f : futures) {
          exported += f.get().rowsWritten();
        }
      } finally {
        pool.shutdown();
        heap.stop();
      }
      if (exported != rows) {
        throw new IllegalStateException("exported " + exported + " of " + rows + " rows");
      }
      figures.add(new Figure(n, work.size(), (System.nanoTime() - start) / 1e9, exported,
          ExportBenchmark.clientCpu() - jvm0, ExportBenchmark.serverCpu() - db0, heap.peak()));
    }
    double one = figures.get(0).seconds();
    out.printf("%n%-8s %7s %9s %12s %8s %10s %9s %10s%n", "workers", "ranges", "seconds", "rows/s", "speedup",
        "JVM cpu s", "DB cpu s", "peak heap");
    for (Figure f : figures) {
      out.printf("%-8d %7d %9.2f %,12.0f %8.2f %10.2f %9.2f %7d MB%n", f.workers(), f.ranges(), f.seconds(),
          f.rows() / f.seconds(), one / f.seconds(), f.jvmCpu(), f.dbCpu(), f.peakHeap() >> 20);
    }
    return figures;
  }
}
