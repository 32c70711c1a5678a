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
  public static final String MASKED = """
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

  /** The wide table: every column kept, written as it is. */
  public static final String WIDE_KEEP = """
      databases:
        bench:
          tables:
            wide:
              default: keep
              columns: {account_id: keep, city: keep, street: keep, country: keep, user_agent: keep, note: keep,
                        attributes: keep, ordered_at: keep, paid_at: keep}
      """;

  /**
   * One measured run. CPU seconds: this JVM (all threads, GC included), the MariaDB server process,
   * the thread that ran the body (the reader: for an export, the thread that fills row batches), and
   * the export's encoder thread(s).
   */
  record Figure(String table, String path, long rows, double seconds, long peakHeap, long outputBytes,
      double clientCpu, double serverCpu, double readerCpu, double encoderCpu) {}

  public static void main(String[] args) throws Exception {
    long[] sizes = Arrays.stream((args.length == 0 ? "1000000,5000000" : args[0]).split(","))
        .mapToLong(Long::parseLong).toArray();
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    // A third argument runs only the paths whose label contains one of its comma-separated parts (and
    // the ceilings), e.g. to profile one path or to keep a 5M run short.
    only = args.length > 2 ? args[2] : "";
    PrintStream out = System.out;
    out.println(machine());
    for (long rows : sizes) {
      run(LocalStack.get(), rows, reps, out);
      out.println("load average now: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }
    System.exit(0);
  }

  /** Generates the tables, measures every path {@code reps} times, prints and returns the figures. */
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
    TableSchema users = schema(connector, "users");
    long[] sourceBytes = new long[1];
    List<Figure> figures = new ArrayList<>();
    for (int rep = 1; rep <= reps; rep++) {
      add(figures, measure("users", "a  streaming read (ceiling)", rows,
          () -> sourceBytes[0] = rawRead(connector, users)));
      add(figures, measure("users", "b  export, masked -> S3Proxy", rows, () -> export(toS3, "users", rows)));
      add(figures, measure("users", "b  export, masked -> discard", rows, () -> export(toNothing, "users", rows)));
      add(figures, measure("users", "b0 same, no load receipts", rows,
          () -> export(toNothingNoReceipts, "users", rows)));
      add(figures, measure("users", RECORD_PATH + "masked -> discard", rows,
          () -> export(toNothing.withParquetPath(RollingParquetWriter.Path.RECORDS), "users", rows)));
      add(figures, measure("users", "b2 export, all kept -> discard", rows,
          () -> export(keepAllToNothing, "users", rows)));
      add(figures, measure("users", RECORD_PATH + "all kept -> discard", rows,
          () -> export(keepAllToNothing.withParquetPath(RollingParquetWriter.Path.RECORDS), "users", rows)));
      if (rep == 1) {
        add(figures, measure("users", "n  naive Avro path -> discard", rows, () -> naive(connector, users)));
      }
      out.printf("  users: repetition %d of %d done%n", rep, reps);
    }
    print(out, figures, "users", rows, sourceBytes[0]);

    t0 = System.nanoTime();
    createWide(stack, DB, rows);
    out.printf("%n== wide: %,d rows, 26 columns (generated in %.1f s) ==%n", rows, (System.nanoTime() - t0) / 1e9);
    TableExporter wideToS3 = stack.exporter(config, DB, WIDE_KEEP);
    TableExporter wideToNothing = stack.exporter(config, DB, WIDE_KEEP, new DiscardingObjectStore());
    TableSchema wide = schema(connector, "wide");
    for (int rep = 1; rep <= reps; rep++) {
      add(figures, measure("wide", "a  streaming read (ceiling)", rows,
          () -> sourceBytes[0] = rawRead(connector, wide)));
      add(figures, measure("wide", "w  export, all kept -> S3Proxy", rows, () -> export(wideToS3, "wide", rows)));
      add(figures, measure("wide", "w  export, all kept -> discard", rows, () -> export(wideToNothing, "wide", rows)));
      add(figures, measure("wide", RECORD_PATH + "all kept -> discard", rows,
          () -> export(wideToNothing.withParquetPath(RollingParquetWriter.Path.RECORDS), "wide", rows)));
      out.printf("  wide: repetition %d of %d done%n", rep, reps);
    }
    print(out, figures, "wide", rows, sourceBytes[0]);
    for (ObjectStore.StoredObject o : stack.store(bucket).list("")) {
      stack.store(bucket).delete(o.key());
    }
    return figures;
  }

  private static void add(List<Figure> figures, Figure f) {
    if (f != null) {
      figures.add(f);
    }
  }

  /** The label prefix of the paths that write through parquet-java's record assembly, the baseline. */
  static final String RECORD_PATH = "r  record path, ";

  static TableSchema schema(MySqlSource connector, String table) throws Exception {
    try (SourceCatalog c = connector.catalog(DB)) {
      return c.table(table);
    }
  }

  /**
   * A wide table (26 columns, about 570 bytes of values a row) where per-column costs show: unsigned
   * BIGINT above 2^63, DECIMALs of every Parquet width, DATETIME(6), TIMESTAMP, DATE, DOUBLE, FLOAT,
   * short and long text in two scripts, JSON. Replaces the users table, to keep the buffer pool for it.
   */
  public static void createWide(LocalStack stack, String database, long rows) throws Exception {
    try (Connection c = stack.mysql.connect(database); java.sql.Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS users");
      s.execute("DROP TABLE IF EXISTS wide");
      s.execute("CREATE TABLE wide ("
          + " id BIGINT NOT NULL PRIMARY KEY,"
          + " account_id INT NOT NULL,"
          + " external_ref BIGINT UNSIGNED NOT NULL,"
          + " order_no VARCHAR(32) NOT NULL,"
          + " status ENUM('new','paid','shipped','delivered','cancelled','refunded') NOT NULL,"
          + " channel VARCHAR(16) NOT NULL,"
          + " currency CHAR(3) NOT NULL,"
          + " amount DECIMAL(12,2) NOT NULL,"
          + " tax DECIMAL(8,4),"
          + " discount_rate DECIMAL(5,4),"
          + " lifetime_total DECIMAL(24,6),"
          + " quantity SMALLINT NOT NULL,"
          + " weight_g INT UNSIGNED,"
          + " score DOUBLE,"
          + " ratio FLOAT,"
          + " is_gift TINYINT(1) NOT NULL,"
          + " ordered_at DATETIME(6) NOT NULL,"
          + " paid_at DATETIME(6),"
          + " updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
          + " ship_date DATE,"
          + " country CHAR(2),"
          + " city VARCHAR(40),"
          + " street VARCHAR(120),"
          + " user_agent VARCHAR(200),"
          + " note TEXT,"
          + " attributes JSON"
          + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
      for (long base = 0; base < rows; base += 1_000_000) {
        long chunk = Math.min(1_000_000, rows - base);
        String n = "(" + base + " + seq)";
        s.execute("INSERT INTO wide SELECT " + n + ","
            + " " + n + " * 7919 % 1000003,"
            + " IF(" + n + " % 2 = 1, CAST(9223372036854775808 AS UNSIGNED) + " + n + " * 1000003, " + n + " * 31),"
            + " CONCAT('ORD-', LPAD(" + n + ", 12, '0'), '-', HEX(" + n + " * 2654435761 % 65536)),"
            + " ELT(1 + " + n + " % 6, 'new','paid','shipped','delivered','cancelled','refunded'),"
            + " ELT(1 + " + n + " % 4, 'web','ios','android','partner'),"
            + " ELT(1 + " + n + " % 3, 'JPY','USD','EUR'),"
            + " (" + n + " * 37 % 10000000) / 100,"
            + " IF(" + n + " % 10 = 0, NULL, (" + n + " * 13 % 100000) / 10000),"
            + " (" + n + " % 5000) / 10000,"
            + " IF(" + n + " % 4 = 0, NULL, 1000000000000 + " + n + " * 1234567 / 1000000),"
            + " 1 + " + n + " % 20,"
            + " IF(" + n + " % 7 = 0, NULL, " + n + " * 17 % 50000),"
            + " " + n + " / 7e0,"
            + " (" + n + " % 1000) / 1000e0,"
            + " " + n + " % 9 = 0,"
            + " TIMESTAMP('2020-01-01') + INTERVAL (" + n + " * 61) SECOND + INTERVAL (" + n + " * 7919 % 1000000) MICROSECOND,"
            + " IF(" + n + " % 5 = 0, NULL, TIMESTAMP('2020-01-02') + INTERVAL (" + n + " * 61) SECOND"
            + "   + INTERVAL (" + n + " * 104729 % 1000000) MICROSECOND),"
            + " TIMESTAMP('2024-01-01') + INTERVAL (" + n + " * 13 % 31536000) SECOND,"
            + " IF(" + n + " % 11 = 0, NULL, DATE('2020-01-01') + INTERVAL (" + n + " % 2000) DAY),"
            + " ELT(1 + " + n + " % 5, 'JP','US','DE','FR','GB'),"
            + " ELT(1 + " + n + " % 8, '東京','大阪','名古屋','札幌','福岡','Berlin','Paris','London'),"
            + " CONCAT(" + n + " % 9999, ' ', ELT(1 + " + n + " % 4, 'Sakura-dori','Main Street','桜通り','Rue de la Paix'),"
            + "   ', Building ', " + n + " % 300, ', Floor ', " + n + " % 40),"
            + " CONCAT('Mozilla/5.0 (', ELT(1 + " + n + " % 3, 'Windows NT 10.0; Win64; x64',"
            + "   'Macintosh; Intel Mac OS X 10_15_7', 'Linux; Android 14; Pixel 8'),"
            + "   ') AppleWebKit/537.36 (KHTML, like Gecko) Chrome/', 100 + " + n + " % 30, '.0.', " + n + " % 6000,"
            + "   '.', " + n + " % 200, ' Safari/537.36'),"
            + " CONCAT('memo ', " + n + ", ': ', REPEAT(ELT(1 + " + n + " % 4, '配達は午前中を希望します。',"
            + "   'Please leave the parcel at the front desk. ', 'ギフト包装をお願いします。', 'Call before delivery. '),"
            + "   2 + " + n + " % 4)),"
            + " JSON_OBJECT('sku', CONCAT('SKU-', " + n + " % 50000), 'color', ELT(1 + " + n + " % 4, 'red','blue','green','black'),"
            + "   'size', ELT(1 + " + n + " % 3, 'S','M','L'), 'tags', JSON_ARRAY('sale', CONCAT('batch-', " + n + " % 97)),"
            + "   'dims', JSON_OBJECT('w', " + n + " % 100, 'h', " + n + " % 50, 'd', " + n + " % 30),"
            + "   'campaign', CONCAT('spring-', " + n + " % 12), 'score', " + n + " % 1000 / 10)"
            + " FROM seq_1_to_" + chunk);
      }
      s.execute("ANALYZE TABLE wide");
    }
  }

  interface Body {
    long run() throws Exception;
  }

  /** Runs only the paths whose label contains one of these comma-separated parts (and every ceiling); empty runs all. */
  static String only = "";

  static Figure measure(String table, String path, long rows, Body body) throws Exception {
    if (!path.startsWith("a ") && java.util.Arrays.stream(only.split(",")).noneMatch(path::contains)) {
      return null;
    }
    System.gc();
    HeapSampler sampler = new HeapSampler();
    double client0 = clientCpu();
    double server0 = serverCpu();
    double reader0 = THREADS.getCurrentThreadCpuTime() / 1e9;
    long start = System.nanoTime();
    long output;
    try {
      output = body.run();
    } finally {
      sampler.stop();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double reader = THREADS.getCurrentThreadCpuTime() / 1e9 - reader0;
    return new Figure(table, path, rows, seconds, sampler.peak(), output, clientCpu() - client0,
        serverCpu() - server0, reader, sampler.encoderCpu());
  }

  static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * Heap in use (live and garbage), sampled every 5 ms: what the -Xmx limit has to hold. Also the CPU
   * time of the export's encoder threads, sampled likewise: they end with the export, and a thread's
   * CPU time cannot be asked for once it has ended (the last 5 ms of each may be missed).
   */
  static final class HeapSampler {
    private final java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private final java.util.Map<Long, Long> encoderNanos = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<Long> otherThreads = new java.util.HashSet<>();
    private volatile boolean running = true;
    private volatile long peak;

    HeapSampler() {
      thread = new Thread(() -> {
        while (running) {
          peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
          sampleEncoders();
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

    double encoderCpu() {
      return encoderNanos.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }

    private void sampleEncoders() {
      for (long id : THREADS.getAllThreadIds()) {
        if (otherThreads.contains(id)) {
          continue;
        }
        if (!encoderNanos.containsKey(id)) {
          java.lang.management.ThreadInfo info = THREADS.getThreadInfo(id);
          if (info == null || !info.getThreadName().equals("rds2bq-encode")) {
            otherThreads.add(id);
            continue;
          }
        }
        long t = THREADS.getThreadCpuTime(id);
        if (t > 0) {
          encoderNanos.put(id, t);
        }
      }
    }
  }

  static double clientCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  /**
   * CPU seconds (user + system) of the benchmark's own MariaDB server, from /proc: the mariadbd
   * process listening on the local stack's port. Other servers on the machine are not counted.
   */
  static double serverCpu() {
    long pid = SERVER_PID.updateAndGet(p -> p > 0 ? p : serverPid(LocalStack.get().mysql.port()));
    try {
      String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the CPU time of mariadbd (pid " + pid + ")", e);
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong SERVER_PID = new java.util.concurrent.atomic.AtomicLong();

  private static long serverPid(int port) {
    return ProcessHandle.allProcesses().filter(p -> {
      try {
        String cmd = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
        return cmd.contains("mariadbd") && cmd.contains("--port=" + port + " ");
      } catch (Exception e) {
        return false;
      }
    }).mapToLong(ProcessHandle::pid).findFirst()
        .orElseThrow(() -> new IllegalStateException("no mariadbd listens on port " + port));
  }

  static long export(TableExporter exporter, String table, long rows) {
    ExportResult r = exporter.export(new ExportRequest("bench", "1", "2026-11-26", DB, table, null));
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
        PreparedStatement ps = c.prepareStatement("SELECT * FROM " + schema.table(), ResultSet.TYPE_FORWARD_ONLY,
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
              case DECIMAL, UNSIGNED_BIGINT -> {
                BigDecimal v = rs.getBigDecimal(col);
                bytes += v == null ? 0 : 8;
              }
              case FLOAT -> {
                sink += (long) rs.getFloat(col);
                bytes += 4;
              }
              case DOUBLE -> {
                sink += (long) rs.getDouble(col);
                bytes += 8;
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

  /**
   * Per path, medians of its runs. CPU columns are seconds per million rows. "cap" is the best ratio
   * to (a) this machine allows the path given the CPU it spent: its wall time cannot drop below its
   * JVM and database CPU spread over every core, nor below its busiest single thread.
   */
  static void print(PrintStream out, List<Figure> all, String table, long rows, long sourceBytes) {
    List<Figure> figures = all.stream().filter(f -> f.table().equals(table)).toList();
    int cores = Runtime.getRuntime().availableProcessors();
    double ceiling = median(figures, "a  streaming read (ceiling)", Figure::seconds);
    double perM = 1e6 / rows;
    out.printf("%n%-34s %4s %7s %9s %6s %6s %8s %7s %7s %7s %7s %6s%n", "path (" + table + ", median of runs)", "runs",
        "seconds", "rows/s", "MB/s", "vs (a)", "peak", "JVM cpu", "DB cpu", "reader", "encoder", "cap");
    out.printf("%-34s %4s %7s %9s %6s %6s %8s %7s %7s %7s %7s %6s%n", "", "", "", "", "", "", "heap",
        "s/M", "s/M", "s/M", "s/M", "vs (a)");
    for (String path : figures.stream().map(Figure::path).distinct().toList()) {
      List<Figure> runs = figures.stream().filter(f -> f.path().equals(path)).toList();
      double s = median(figures, path, Figure::seconds);
      long peak = runs.stream().mapToLong(Figure::peakHeap).max().orElse(0);
      double jvm = median(figures, path, Figure::clientCpu);
      double db = median(figures, path, Figure::serverCpu);
      double reader = median(figures, path, Figure::readerCpu);
      double encoder = median(figures, path, Figure::encoderCpu);
      double floor = Math.max((jvm + db) / cores, Math.max(reader, encoder));
      out.printf("%-34s %4d %7.2f %,9.0f %6.1f %6.2f %5d MB %7.2f %7.2f %7.2f %7.2f %6.2f%n", path, runs.size(), s,
          rows / s, sourceBytes / s / 1e6, ceiling / s, peak >> 20, jvm * perM, db * perM, reader * perM,
          encoder * perM, ceiling / floor);
    }
    out.printf("source bytes consumed per read: %.1f MB (%.0f a row); Parquet written (first to S3Proxy): %.1f MB%n",
        sourceBytes / 1e6, (double) sourceBytes / rows, figures.stream().filter(f -> f.path().contains("S3Proxy"))
            .mapToLong(Figure::outputBytes).findFirst().orElse(0) / 1e6);
    if (figures.stream().noneMatch(f -> f.path().startsWith("b0"))
        || figures.stream().noneMatch(f -> f.path().startsWith("b "))) {
      return;
    }
    double withReceipts = median(figures, "b  export, masked -> discard", Figure::seconds);
    double without = median(figures, "b0 same, no load receipts", Figure::seconds);
    double cpuWith = figures.stream().filter(f -> f.path().equals("b  export, masked -> discard"))
        .mapToDouble(Figure::clientCpu).sorted().toArray()[0];
    double cpuWithout = figures.stream().filter(f -> f.path().equals("b0 same, no load receipts"))
        .mapToDouble(Figure::clientCpu).sorted().toArray()[0];
    out.printf("load receipts: export time with/without %.3f, JVM cpu with/without (least of runs) %.3f%n",
        withReceipts / without, cpuWith / cpuWithout);
  }

  static double median(List<Figure> figures, String path, java.util.function.ToDoubleFunction<Figure> value) {
    double[] s = figures.stream().filter(f -> f.path().equals(path)).mapToDouble(value).sorted().toArray();
    return s.length == 0 ? Double.NaN : s[s.length / 2];
  }

  static String machine() throws Exception {
    String cpu = Files.lines(Path.of("/proc/cpuinfo")).filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.replaceFirst(".*:\\s*", "")).orElse("unknown CPU");
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    return String.format("machine: %s, %d cores, JVM %s, max heap %d MB, MariaDB 11.4.5 on the same cores,"
        + " load average at start %s", cpu, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, load);
  }
}
