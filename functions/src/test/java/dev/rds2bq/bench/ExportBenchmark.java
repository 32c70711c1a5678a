package dev.rds2bq.bench;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.parquet.RollingParquetWriter;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.storage.DiscardingObjectStore;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.storage.Upload;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.types.MappedColumn;
import dev.rds2bq.types.SourceFamily;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The export benchmark (docs/benchmarks.md). In one process, per table size: (a) the fastest
 * single-connection streaming read that consumes every column, the ceiling; (b) the masked export
 * to S3Proxy and to a sink that discards the bytes, and (b0) the latter without the load receipts'
 * aggregates; (b2) the same with every column kept; and the
 * naive path (getObject, Avro GenericRecord, AvroParquetWriter). Prints rows/s, MB/s, ratios to (a)
 * and peak heap. Run it with -Xmx256m (the exec@benchmark execution does).
 */
public final class ExportBenchmark {
  static final String DB = "bench";
  static final String MASKED = """
      databases:
        bench:
          tables:
            users:
              columns:
                name: drop
                name_kana: drop
                email: {policy: hash, normalize: lowercase}
                phone: {policy: redact}
                birthday: age_band
                gender: keep
                postal_code: {policy: redact, value: "***-****"}
                prefecture: keep
                created_at: year_month
                last_ip: drop
      """;
  static final String KEEP_ALL = """
      databases:
        bench:
          tables:
            users:
              default: keep
              columns: {name: keep, name_kana: keep, email: keep, phone: keep, birthday: keep, gender: keep,
                        postal_code: keep, prefecture: keep, last_ip: keep}
      """;

  /** One measured run; CPU seconds of this JVM and of the MariaDB server process during it. */
  record Figure(String path, long rows, double seconds, long peakHeap, long outputBytes, double clientCpu,
      double serverCpu) {}

  public static void main(String[] args) throws Exception {
    long[] sizes = Arrays.stream((args.length == 0 ? "1000000,5000000" : args[0]).split(","))
        .mapToLong(Long::parseLong).toArray();
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    PrintStream out = System.out;
    out.println(machine());
    for (long rows : sizes) {
      run(LocalStack.get(), rows, reps, out);
    }
    System.exit(0);
  }

  /** Generates the table, measures every path {@code reps} times, prints and returns the figures. */
  public static List<Figure> run(LocalStack stack, long rows, int reps, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    DemoData.createUsersOnly(stack.mysql, DB, rows);
    out.printf("%n== users: %,d rows, 21 columns (generated in %.1f s) ==%n", rows, (System.nanoTime() - t0) / 1e9);
    String bucket = stack.bucket("bench");
    PipelineConfig config = LocalStack.config(bucket, "");
    TableExporter toS3 = stack.exporter(config, DB, MASKED);
    TableExporter toNothing = stack.exporter(config, DB, MASKED, new DiscardingObjectStore());
    TableExporter toNothingNoReceipts = toNothing.withoutReceipts();
    TableExporter keepAllToNothing = stack.exporter(config, DB, KEEP_ALL, new DiscardingObjectStore());
    MySqlSource connector = new MySqlSource(
        dev.rds2bq.config.DatabaseSecret.parse("bench", stack.mysql.secretJson(DB)), config.source());
    TableSchema schema;
    try (SourceCatalog c = connector.catalog(DB)) {
      schema = c.table("users");
    }
    long[] sourceBytes = new long[1];
    List<Figure> figures = new ArrayList<>();
    for (int rep = 1; rep <= reps; rep++) {
      figures.add(measure("a  streaming read (ceiling)", rows, () -> sourceBytes[0] = rawRead(connector, schema)));
      figures.add(measure("b  export, masked -> S3Proxy", rows, () -> export(toS3, rows)));
      figures.add(measure("b  export, masked -> discard", rows, () -> export(toNothing, rows)));
      figures.add(measure("b0 same, no load receipts", rows, () -> export(toNothingNoReceipts, rows)));
      figures.add(measure("b2 export, all kept -> discard", rows, () -> export(keepAllToNothing, rows)));
      if (rep == 1) {
        figures.add(measure("n  naive Avro path -> discard", rows, () -> naive(connector, schema)));
      }
      out.printf("  repetition %d of %d done%n", rep, reps);
    }
    print(out, figures, rows, sourceBytes[0]);
    for (ObjectStore.StoredObject o : stack.store(bucket).list("")) {
      stack.store(bucket).delete(o.key());
    }
    return figures;
  }

  interface Body {
    long run() throws Exception;
  }

  static Figure measure(String path, long rows, Body body) throws Exception {
    System.gc();
    HeapSampler sampler = new HeapSampler();
    double client0 = clientCpu();
    double server0 = serverCpu();
    long start = System.nanoTime();
    long output;
    try {
      output = body.run();
    } finally {
      sampler.stop();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Figure(path, rows, seconds, sampler.peak(), output, clientCpu() - client0, serverCpu() - server0);
  }

  /** Heap in use (live and garbage), sampled every 5 ms: what the -Xmx limit has to hold. */
  static final class HeapSampler {
    private final java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peak;

    HeapSampler() {
      thread = new Thread(() -> {
        while (running) {
          peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    long peak() {
      return peak;
    }
  }

  static double clientCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  /** CPU seconds of the mariadbd process (user + system), from /proc. */
  static double serverCpu() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").endsWith("mariadbd"))
        .mapToDouble(p -> {
          try {
            String[] f = Files.readString(Path.of("/proc/" + p.pid() + "/stat")).split("\\) ")[1].split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
          } catch (Exception e) {
            return 0;
          }
        }).sum();
  }

  static long export(TableExporter exporter, long rows) {
    ExportResult r = exporter.export(new ExportRequest("bench", "2026-11-26", DB, "users", null));
    if (r.rowsWritten() != rows) {
      throw new IllegalStateException("exported " + r.rowsWritten() + " of " + rows + " rows");
    }
    return r.bytes();
  }

  /** The ceiling: same connection settings and getters as the export, nothing written. Returns bytes consumed. */
  static long rawRead(MySqlSource connector, TableSchema schema) throws Exception {
    SourceFamily[] families = schema.columns().stream().map(SourceColumn::mapping).map(MappedColumn::family)
        .toArray(SourceFamily[]::new);
    long bytes = 0;
    long sink = 0;
    try (Connection c = connector.open(DB);
        PreparedStatement ps = c.prepareStatement("SELECT * FROM users", ResultSet.TYPE_FORWARD_ONLY,
            ResultSet.CONCUR_READ_ONLY)) {
      ps.setFetchSize(Integer.MIN_VALUE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          for (int i = 0; i < families.length; i++) {
            int col = i + 1;
            switch (families[i]) {
              case INT, YEAR -> {
                sink += rs.getInt(col);
                bytes += 4;
              }
              case LONG -> {
                sink += rs.getLong(col);
                bytes += 8;
              }
              case DECIMAL -> {
                BigDecimal v = rs.getBigDecimal(col);
                bytes += v == null ? 0 : 8;
              }
              case DATE -> {
                LocalDate v = rs.getObject(col, LocalDate.class);
                bytes += v == null ? 0 : 4;
              }
              case DATETIME, TIMESTAMP -> {
                LocalDateTime v = rs.getObject(col, LocalDateTime.class);
                bytes += v == null ? 0 : 8;
              }
              default -> {
                byte[] v = rs.getBytes(col);
                bytes += v == null ? 0 : v.length;
              }
            }
          }
        }
      }
    }
    return sink == Long.MIN_VALUE ? -1 : bytes;
  }

  /** What a first version would write: getObject per value, a GenericRecord per row, AvroParquetWriter. */
  static long naive(MySqlSource connector, TableSchema schema) throws Exception {
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("users").fields();
    List<SourceFamily> families = new ArrayList<>();
    for (SourceColumn c : schema.columns()) {
      SourceFamily f = c.mapping().family();
      families.add(f);
      switch (f) {
        case INT, YEAR -> fields = fields.optionalInt(c.name());
        case LONG -> fields = fields.optionalLong(c.name());
        case DECIMAL -> fields = fields.optionalDouble(c.name());
        case DATE, DATETIME, TIMESTAMP -> fields = fields.optionalLong(c.name());
        default -> fields = fields.optionalString(c.name());
      }
    }
    Schema avro = fields.endRecord();
    Upload upload = new DiscardingObjectStore().begin("naive.parquet");
    try (Connection c = connector.open(DB);
        PreparedStatement ps = c.prepareStatement("SELECT * FROM users", ResultSet.TYPE_FORWARD_ONLY,
            ResultSet.CONCUR_READ_ONLY);
        ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(
                RollingParquetWriter.outputFile(upload))
            .withSchema(avro).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      ps.setFetchSize(Integer.MIN_VALUE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          GenericRecord r = new GenericData.Record(avro);
          for (int i = 0; i < families.size(); i++) {
            Object v = rs.getObject(i + 1);
            if (v == null) {
              continue;
            }
            switch (families.get(i)) {
              case INT, YEAR -> r.put(i, ((Number) v).intValue());
              case LONG -> r.put(i, ((Number) v).longValue());
              case DECIMAL -> r.put(i, ((Number) v).doubleValue());
              case DATE -> r.put(i, ((java.sql.Date) v).toLocalDate().toEpochDay());
              case DATETIME, TIMESTAMP -> r.put(i, v instanceof java.sql.Timestamp t ? t.getTime()
                  : ((LocalDateTime) v).toEpochSecond(ZoneOffset.UTC));
              default -> r.put(i, v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                  : v.toString());
            }
          }
          writer.write(r);
        }
      }
    }
    return upload.position();
  }

  static void print(PrintStream out, List<Figure> figures, long rows, long sourceBytes) {
    double ceiling = median(figures, "a  streaming read (ceiling)");
    out.printf("%n%-32s %5s %8s %10s %7s %7s %10s %10s %10s%n", "path (median of runs)", "runs", "seconds",
        "rows/s", "MB/s", "vs (a)", "peak heap", "JVM cpu s", "DB cpu s");
    for (String path : figures.stream().map(Figure::path).distinct().toList()) {
      List<Figure> runs = figures.stream().filter(f -> f.path().equals(path)).toList();
      double s = median(figures, path);
      long peak = runs.stream().mapToLong(Figure::peakHeap).max().orElse(0);
      double jvm = runs.stream().mapToDouble(Figure::clientCpu).sorted().toArray()[runs.size() / 2];
      double db = runs.stream().mapToDouble(Figure::serverCpu).sorted().toArray()[runs.size() / 2];
      out.printf("%-32s %5d %8.2f %,10.0f %7.1f %7.2f %7d MB %10.2f %10.2f%n", path, runs.size(), s, rows / s,
          sourceBytes / s / 1e6, ceiling / s, peak >> 20, jvm, db);
    }
    out.printf("source bytes consumed per read: %.1f MB; Parquet written by the masked export: %.1f MB%n",
        sourceBytes / 1e6, figures.stream().filter(f -> f.path().startsWith("b  export, masked -> S3"))
            .mapToLong(Figure::outputBytes).findFirst().orElse(0) / 1e6);
    double withReceipts = median(figures, "b  export, masked -> discard");
    double without = median(figures, "b0 same, no load receipts");
    double cpuWith = figures.stream().filter(f -> f.path().equals("b  export, masked -> discard"))
        .mapToDouble(Figure::clientCpu).sorted().toArray()[0];
    double cpuWithout = figures.stream().filter(f -> f.path().equals("b0 same, no load receipts"))
        .mapToDouble(Figure::clientCpu).sorted().toArray()[0];
    out.printf("load receipts: export time with/without %.3f, JVM cpu with/without (least of runs) %.3f%n",
        withReceipts / without, cpuWith / cpuWithout);
  }

  static double median(List<Figure> figures, String path) {
    double[] s = figures.stream().filter(f -> f.path().equals(path)).mapToDouble(Figure::seconds).sorted().toArray();
    return s.length == 0 ? Double.NaN : s[s.length / 2];
  }

  static String machine() throws Exception {
    String cpu = Files.lines(Path.of("/proc/cpuinfo")).filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.replaceFirst(".*:\\s*", "")).orElse("unknown CPU");
    return String.format("machine: %s, %d cores, JVM %s, max heap %d MB, MariaDB 11.4.5 on the same cores",
        cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
  }
}
