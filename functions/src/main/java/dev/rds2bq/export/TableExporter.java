package dev.rds2bq.export;

import dev.rds2bq.config.HashKey;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.DataException;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.SourceBusyException;
import dev.rds2bq.contract.RunDates;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.ExportResult.ColumnEntry;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.contract.ExportResult.FileEntry;
import dev.rds2bq.mask.ColumnDecision;
import dev.rds2bq.mask.HmacHasher;
import dev.rds2bq.mask.MaskKind;
import dev.rds2bq.mask.MaskWriters;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.mask.TableMasking;
import dev.rds2bq.parquet.ColumnTally;
import dev.rds2bq.parquet.FieldWriter;
import dev.rds2bq.types.ColumnType;
import dev.rds2bq.types.OutputType;
import dev.rds2bq.rows.ReadAs;
import dev.rds2bq.parquet.RollingParquetWriter;
import dev.rds2bq.parquet.RollingParquetWriter.WrittenFile;
import dev.rds2bq.parquet.RowSink;
import dev.rds2bq.parquet.ZeroDateCounter;
import dev.rds2bq.source.ReplicaLag;
import dev.rds2bq.source.RowStream;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.Sources;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.SourceSnapshot;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export engine: one table or key range, streamed from the source through the masking policy
 * into Parquet objects. The policy is resolved, and fails closed, before the first row is read; any
 * failure afterwards aborts the open upload, so a failed export leaves no partial object.
 */
public final class TableExporter {
  private static final Logger LOG = LoggerFactory.getLogger(TableExporter.class);
  private static final long FIRST_PROGRESS = 10_000;

  private final PipelineConfig config;
  private final Sources sources;
  private final MaskingPolicy policy;
  private final HashKey.Versions hashKey;
  private final ObjectStore store;
  private final ExportListener listener;
  private final BucketLayout layout;
  private final UnaryOperator<RowSink> sinks;
  private final boolean receipts;
  private final RollingParquetWriter.Path parquetPath;

  /** An exporter of one source, whatever the request names. */
  public TableExporter(PipelineConfig config, Source source, MaskingPolicy policy,
      HashKey.Versions hashKey, ObjectStore store, ExportListener listener) {
    this(config, Sources.only(source), policy, hashKey, store, listener, UnaryOperator.identity(), true,
        RollingParquetWriter.Path.COLUMNS);
  }

  /** An exporter of the config's sources, each request read from the source it names. */
  public TableExporter(PipelineConfig config, Sources sources, MaskingPolicy policy,
      HashKey.Versions hashKey, ObjectStore store, ExportListener listener) {
    this(config, sources, policy, hashKey, store, listener, UnaryOperator.identity(), true,
        RollingParquetWriter.Path.COLUMNS);
  }

  private TableExporter(PipelineConfig config, Sources sources, MaskingPolicy policy,
      HashKey.Versions hashKey, ObjectStore store, ExportListener listener, UnaryOperator<RowSink> sinks,
      boolean receipts, RollingParquetWriter.Path parquetPath) {
    this.sinks = sinks;
    this.receipts = receipts;
    this.parquetPath = parquetPath;
    this.config = config;
    this.sources = sources;
    this.policy = policy;
    this.hashKey = hashKey;
    this.store = store;
    this.listener = listener;
    this.layout = BucketLayout.of(config);
  }

  /**
   * The same exporter with something between the encoder and the Parquet writer, e.g. a faulty
   * writer in a test that proves a lost row fails the table.
   */
  public TableExporter withRowSink(UnaryOperator<RowSink> wrap) {
    return new TableExporter(config, sources, policy, hashKey, store, listener, wrap, receipts, parquetPath);
  }

  /**
   * The same exporter computing no load receipts (the result has none, so the load checks counts
   * only): the benchmark's baseline for what receipts cost the hot loop.
   */
  public TableExporter withoutReceipts() {
    return new TableExporter(config, sources, policy, hashKey, store, listener, sinks, false, parquetPath);
  }

  /**
   * The same exporter writing Parquet through the given path: the reference record path is how a
   * test proves the column path writes the same values, and the benchmark's baseline.
   */
  public TableExporter withParquetPath(RollingParquetWriter.Path path) {
    return new TableExporter(config, sources, policy, hashKey, store, listener, sinks, receipts, path);
  }

  /** Where ExportTable keeps this exporter's full results: the same bucket and prefix as its files. */
  public ExportResultStore results() {
    return new ExportResultStore(store, layout);
  }

  public ExportResult export(ExportRequest request) {
    LocalDate runDate = request.validate();
    // A direct invocation is not planned: the date that ages birthdays is bounded here too.
    RunDates.notLaterThanTomorrow("runDate", request.runDate(), java.time.ZoneId.of(config.runDateZone()),
        java.time.Clock.systemUTC());
    // A source the config lacks, or a name where the config has a single source, is refused here.
    PipelineConfig.NamedSource named = config.namedSource(request.source());
    checkSelected(named, request);
    String sourceName = named.name();
    MaskingPolicy sourcePolicy = policy.forSource(sourceName);
    if (store.get(layout.successKey(request)) != null) {
      throw new IntegrityException(named.qualify(request.database()) + "." + request.table() + ": attempt "
          + request.attempt() + " of run " + request.runId() + " is published (its " + BucketLayout.SUCCESS
          + " is there) and is never written again; run the table again: PlanRun gives it a new attempt");
    }
    long started = System.nanoTime();
    RollingParquetWriter writer = null;
    boolean ok = false;
    try (SourceSnapshot snapshot = sources.get(sourceName).snapshot(request.database())) {
      TableSchema schema = snapshot.table(request.table());
      TableMasking masking = sourcePolicy.resolve(schema, Map.of(), config.columnNames().names(sourceName));
      if (request.window() != null) {
        Cursors.check(schema, masking, request.window().column());
        SourceColumn cursor = schema.column(request.window().column());
        Cursors.checkMark(schema, cursor, request.window().after());
        Cursors.checkMark(schema, cursor, request.window().upTo());
      }
      String qualified = (sourceName == null ? "" : sourceName + ".") + schema.qualifiedName();
      ZeroDateCounter zeros = new ZeroDateCounter(config.zeroDates(), qualified);
      byte[] key = masking.usesHash() ? hashKey.key(request.hashKeyVersion()) : null;
      MaskWriters.Context ctx = new MaskWriters.Context(runDate, () -> new HmacHasher(key), zeros);

      List<String> selected = new ArrayList<>();
      List<Type> fields = new ArrayList<>();
      List<FieldWriter> writers = new ArrayList<>();
      List<ColumnTally> tallies = new ArrayList<>();
      Set<String> noDictionary = new HashSet<>();
      Set<String> noStatistics = new HashSet<>();
      for (ColumnDecision d : masking.columns()) {
        if (d.dropped()) {
          continue;
        }
        int selectIndex = 0;
        if (MaskWriters.needsValue(d)) {
          selected.add(d.sourceName());
          selectIndex = selected.size();
        }
        FieldWriter fieldWriter = MaskWriters.create(d, selectIndex, fields.size(), ctx);
        if (receipts) {
          ColumnTally tally = tally(d, schema.primaryKey());
          fieldWriter.tally(tally);
          tallies.add(tally);
        }
        writers.add(fieldWriter);
        fields.add(d.outputType().parquetField(d.outputName()));
        boolean uniqueKey = schema.primaryKey().size() == 1
            && schema.primaryKey().get(0).equalsIgnoreCase(d.sourceName()) && d.rule().kind() == MaskKind.KEEP;
        if (uniqueKey || EncodingHints.mostlyDistinct(d)) {
          noDictionary.add(d.outputName());
        }
        if (!EncodingHints.statisticsUseful(d)) {
          noStatistics.add(d.outputName());
        }
      }
      MessageType parquetSchema = new MessageType("rds2bq", fields);
      String schemaFingerprint = fingerprint(parquetSchema, schema);
      Map<String, String> footer = new LinkedHashMap<>();
      footer.put("rds2bq.source", qualified);
      footer.put("rds2bq.run_id", request.runId());
      footer.put("rds2bq.run_date", request.runDate());
      footer.put("rds2bq.range", request.partLabel());
      footer.put("rds2bq.policy_fingerprint", masking.fingerprint());

      String label = request.partLabel();
      String keyId = key == null ? null : new HmacHasher(key).keyId();
      KeyRange reported = reportedRange(request.range(), masking, schema);
      ExportResultStore kept = results();
      ExportResult earlier = kept.earlier(request, label);
      if (reusable(earlier, request, reported, schemaFingerprint, masking.fingerprint(), keyId)) {
        ok = true;
        LOG.info("export reused table={} range={} rows={}: an earlier execution of attempt {} exported it",
            qualified, label, earlier.rowsWritten(), request.attempt());
        listener.progress(request, earlier.rowsWritten());
        return earlier.asReused();
      }
      ReplicaLag lag = snapshot.replicaLag();
      int maxLag = named.config().maxReplicaLagSeconds();
      if (lag.tooFarBehind(maxLag)) {
        ExportResultStore.SourceWaits waits = kept.recordWait(request, label, lag.evidence());
        throw new SourceBusyException(qualified + " range " + label + ": the source "
            + sources.get(sourceName).endpoint() + " is a replica "
            + (lag.state() == ReplicaLag.State.STOPPED ? "whose replication is stopped" : lag.seconds()
                + " s behind its primary, over " + named.key() + ".maxReplicaLagSeconds " + maxLag)
            + " (" + lag.evidence() + "); nothing was read, and the state machine tries again later (wait "
            + waits.waits() + "). If it stays behind, fix its replication or raise the limit");
      }
      int waited = kept.waits(request, label).waits();
      // The mark is read in the snapshot the rows are read in: a row committed after the snapshot is
      // above it or, if a late commit lands below it, inside the next run's lag window.
      CursorWindow window = request.window() == null ? null
          : request.window().upTo() != null ? request.window()
          : request.window().upTo(snapshot.maxValue(schema, request.window().column()));
      if (window != null && window.after() != null && window.upTo() != null
          && CursorWindow.compareMarks(window.upTo(), window.after()) < 0) {
        // Rows the last window read are gone or their cursor moved back (a restore, a rewritten
        // column): a change set cannot express that, a full snapshot can.
        throw new InvalidInputException(qualified + ": cursor column '" + window.column() + "' now reaches only "
            + window.upTo() + ", below the window's lower mark " + window.after() + ": the source went back;"
            + " run the table as a full snapshot (delete its _state.json, or wait for its next full run)");
      }
      writer = new RollingParquetWriter(store, seq -> layout.dataFileKey(request, label, seq), parquetSchema,
          writers.toArray(new FieldWriter[0]), footer, config.parquet(), noDictionary, noStatistics, parquetPath);

      ReadAs[] readAs = new ReadAs[selected.size()];
      for (FieldWriter w : writers) {
        if (w.column() > 0) {
          readAs[w.column() - 1] = w.readAs();
        }
      }
      RowSink sink = sinks.apply(writer);
      long rowsRead;
      long[] nextProgress = {FIRST_PROGRESS};
      try (RowStream rows = window != null && window.upTo() == null ? RowStream.EMPTY
          : snapshot.rows(schema, selected, request.range(), window)) {
        rowsRead = RowPipeline.copy(rows, readAs, sink, n -> {
          if (n >= nextProgress[0]) {
            LOG.info("export progress table={} range={} rows={}", qualified, request.partLabel(), n);
            listener.progress(request, n);
            while (nextProgress[0] <= n) {
              nextProgress[0] <<= 1;
            }
          }
        });
      }
      List<WrittenFile> written = writer.finish();
      List<WrittenFile> keys = keyDiff(sourceName, request)
          ? exportKeys(snapshot, schema, masking, new MaskWriters.Context(runDate, () -> new HmacHasher(key),
              new ZeroDateCounter(config.zeroDates(), qualified)), request, label, footer)
          : null;
      // Two counts, taken apart: rows the reader took from the source, and rows the writer encoded.
      // PublishTable checks both against the files' footers.
      long rows = sink.rows();
      ok = true;
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      LOG.info("export done table={} range={} rowsRead={} rows={} files={} ms={}", qualified, request.partLabel(),
          rowsRead, rows, written.size(), durationMs);
      listener.progress(request, rows);
      return new ExportResult(sourceName, request.runId(), request.attempt(), request.runDate(), request.database(),
          request.table(),
          schema.comment(), reported, rowsRead, rows,
          written.stream().map(f -> new FileEntry(f.key(), f.bytes(), f.rows())).toList(),
          columnEntries(masking, parquetSchema),
          schemaFingerprint, masking.fingerprint(), keyId,
          zeros.counts(), durationMs, receipts ? tallies.stream().map(t -> t.receipt(rows)).toList() : null,
          primaryKeyOutput(masking, schema.primaryKey()), lag.evidence(), waited == 0 ? null : waited, null, window,
          keys == null ? null : keys.stream().map(f -> new FileEntry(f.key(), f.bytes(), f.rows())).toList());
    } catch (IOException e) {
      throw new DataException("writing Parquet for " + (sourceName == null ? "" : sourceName + ".")
          + request.database() + "." + request.table()
          + " failed: " + e.getMessage(), e);
    } finally {
      if (!ok && writer != null) {
        writer.abort();
      }
    }
  }

  /**
   * Whether an earlier execution of this attempt already exported the range exactly as this one
   * would: same range bounds, the same table schema and masking policy (their fingerprints), the same
   * hash key, receipts alike, and every file it lists still in the bucket at its size. A range whose
   * key column is masked is reported by its id only, and ids of two plans may bound different rows:
   * such a range is always exported again.
   */
  private boolean reusable(ExportResult earlier, ExportRequest request, KeyRange reported, String schemaFingerprint,
      String policyFingerprint, String keyId) {
    if (earlier == null || earlier.files() == null || !request.runId().equals(earlier.runId())
        || !request.attempt().equals(earlier.attempt()) || !request.runDate().equals(earlier.runDate())
        || !java.util.Objects.equals(reported, earlier.range())
        || !java.util.Objects.equals(reported, request.range())
        || !sameWindow(request.window(), earlier.window())
        || !schemaFingerprint.equals(earlier.schemaFingerprint())
        || !policyFingerprint.equals(earlier.policyFingerprint())
        || !java.util.Objects.equals(keyId, earlier.hashKeyId())
        || receipts != (earlier.receipts() != null)
        || keyDiff(earlier.source(), request) != (earlier.keyFiles() != null)
        || earlier.rowsRead() != earlier.rowsWritten()) {
      return false;
    }
    Map<String, Long> sizes = new java.util.HashMap<>();
    for (ObjectStore.StoredObject o : store.list(layout.runFolder(request))) {
      sizes.put(o.key(), o.size());
    }
    long rows = 0;
    for (FileEntry f : earlier.files()) {
      if (!Long.valueOf(f.bytes()).equals(sizes.get(f.key()))) {
        return false;
      }
      rows += f.rows();
    }
    for (FileEntry f : earlier.keyFiles() == null ? List.<FileEntry>of() : earlier.keyFiles()) {
      if (!Long.valueOf(f.bytes()).equals(sizes.get(f.key()))) {
        return false;
      }
    }
    return rows == earlier.rowsWritten();
  }

  /**
   * Whether the range's primary keys are exported too: a change set (a window with a lower mark) of
   * a {@code deletes: key_diff} table, whose deleted rows BigQuery finds by the keys missing here.
   */
  private boolean keyDiff(String sourceName, ExportRequest request) {
    PipelineConfig.IncrementalTable inc = config.incremental().of(sourceName, request.database(), request.table());
    return inc != null && inc.deletes().keyDiff() && request.window() != null && request.window().after() != null;
  }

  /**
   * The primary keys of every row of the range, read in the same snapshot as its change set and
   * masked by the same decisions (a hashed key is the same hash as in the data files), into key
   * files beside the data. Only the key index is read.
   */
  private List<WrittenFile> exportKeys(SourceSnapshot snapshot, TableSchema schema, TableMasking masking,
      MaskWriters.Context ctx, ExportRequest request, String label, Map<String, String> footer) throws IOException {
    List<String> selected = new ArrayList<>();
    List<Type> fields = new ArrayList<>();
    List<FieldWriter> writers = new ArrayList<>();
    for (String k : schema.primaryKey()) {
      ColumnDecision d = masking.columns().stream().filter(c -> c.sourceName().equalsIgnoreCase(k)).findFirst()
          .orElseThrow();
      if (d.dropped()) {
        throw new InvalidInputException(schema.qualifiedName() + ": deletes is key_diff, but its key column '" + k
            + "' is dropped by the masking policy; keep or hash it");
      }
      int selectIndex = 0;
      if (MaskWriters.needsValue(d)) {
        selected.add(d.sourceName());
        selectIndex = selected.size();
      }
      writers.add(MaskWriters.create(d, selectIndex, fields.size(), ctx));
      fields.add(d.outputType().parquetField(d.outputName()));
    }
    Set<String> names = new HashSet<>();
    fields.forEach(f -> names.add(f.getName()));
    RollingParquetWriter keys = new RollingParquetWriter(store, seq -> layout.keyFileKey(request, label, seq),
        new MessageType("rds2bq_keys", fields), writers.toArray(new FieldWriter[0]), footer, config.parquet(), names,
        Set.of(), parquetPath);
    boolean done = false;
    try {
      ReadAs[] readAs = new ReadAs[selected.size()];
      for (FieldWriter w : writers) {
        if (w.column() > 0) {
          readAs[w.column() - 1] = w.readAs();
        }
      }
      try (RowStream rows = snapshot.rows(schema, selected, request.range(), null)) {
        RowPipeline.copy(rows, readAs, keys, n -> { });
      }
      List<WrittenFile> written = keys.finish();
      done = true;
      return written;
    } finally {
      if (!done) {
        keys.abort();
      }
    }
  }

  /** The same cursor and lower mark, and the request's upper mark if it gave one. */
  private static boolean sameWindow(CursorWindow asked, CursorWindow done) {
    if (asked == null || done == null) {
      return asked == done;
    }
    return asked.column().equals(done.column()) && java.util.Objects.equals(asked.after(), done.after())
        && (asked.upTo() == null || asked.upTo().equals(done.upTo()));
  }

  /**
   * Anyone who may invoke ExportTable could name any table: only what the config selects is exported,
   * as PlanRun would have chosen it. A config without {@code databases} (which cannot plan a run, and
   * which the stack never deploys) leaves the database unchecked.
   */
  private static void checkSelected(PipelineConfig.NamedSource named, ExportRequest request) {
    String where = named.name() == null ? "" : named.name() + ".";
    if (!named.databases().isEmpty() && !named.databases().contains(request.database())) {
      throw new InvalidInputException("database '" + request.database() + "' is not one the config exports ("
          + (named.name() == null ? "databases" : named.key() + ".databases") + ": " + named.databases()
          + "); ExportTable exports only what PlanRun would plan");
    }
    if (!named.tables().selects(request.database(), request.table())) {
      throw new InvalidInputException("table " + where + request.database() + "." + request.table() + " is not"
          + " selected by the config's tables.include/exclude; ExportTable exports only what PlanRun would plan");
    }
  }

  /**
   * The range as the result reports it: a masked key column's bounds are raw values of that column,
   * so the result, which is kept in the bucket and read by PublishTable, names the range by its id
   * only (docs/data-contract.md#sealed-bounds).
   */
  private static KeyRange reportedRange(KeyRange range, TableMasking masking, TableSchema schema) {
    if (range == null || schema.primaryKey().isEmpty() || !masking.masks(schema.primaryKey().get(0))) {
      return range;
    }
    return new KeyRange(range.id(), null, null, null);
  }

  /** The output names of the primary key's columns that are written, in key order. */
  private static List<String> primaryKeyOutput(TableMasking masking, List<String> primaryKey) {
    List<String> out = new ArrayList<>();
    for (String k : primaryKey) {
      for (ColumnDecision d : masking.columns()) {
        if (!d.dropped() && d.sourceName().equalsIgnoreCase(k)) {
          out.add(d.outputName());
        }
      }
    }
    return out;
  }

  /** What the receipt keeps of a column, from the type it is written as (docs/data-contract.md#receipts). */
  private static ColumnTally tally(ColumnDecision d, List<String> primaryKey) {
    ColumnType type = d.outputType();
    String bigQuery = type.bigQueryType();
    ColumnTally.Kind kind = switch (type.type()) {
      case INT32, INT64 -> ColumnTally.Kind.INTEGER;
      case DECIMAL -> bigQuery.equals("NUMERIC") ? ColumnTally.Kind.DECIMAL : ColumnTally.Kind.COUNTED;
      case FLOAT, DOUBLE -> ColumnTally.Kind.FLOAT;
      case BOOLEAN -> ColumnTally.Kind.BOOLEAN;
      case DATE -> ColumnTally.Kind.DATE;
      case DATETIME -> ColumnTally.Kind.DATETIME;
      case TIMESTAMP -> ColumnTally.Kind.TIMESTAMP;
      case STRING -> ColumnTally.Kind.TEXT;
      case BYTES -> ColumnTally.Kind.COUNTED;
    };
    boolean key = primaryKey.stream().anyMatch(k -> k.equalsIgnoreCase(d.sourceName()));
    return new ColumnTally(d.outputName(), bigQuery, kind, type.type() == OutputType.DECIMAL ? type.scale() : 0, key);
  }

  private static List<ColumnEntry> columnEntries(TableMasking masking, MessageType parquet) {
    List<ColumnEntry> out = new ArrayList<>();
    for (ColumnDecision d : masking.columns()) {
      SourceColumn s = d.source();
      if (d.dropped()) {
        out.add(new ColumnEntry(s.name(), s.columnType(), null, null, null, "drop", d.reason(), s.comment()));
      } else {
        org.apache.parquet.schema.PrimitiveType p = parquet.getType(d.outputName()).asPrimitiveType();
        String physical = p.getPrimitiveTypeName().name()
            + (p.getTypeLength() > 0 && p.getPrimitiveTypeName().name().startsWith("FIXED") ? "(" + p.getTypeLength() + ")" : "");
        out.add(new ColumnEntry(s.name(), s.columnType(), d.outputName(),
            p.getLogicalTypeAnnotation() == null ? physical : physical + " " + p.getLogicalTypeAnnotation(),
            d.outputType().bigQueryType(), d.rule().canonical(), d.reason(), s.comment()));
      }
    }
    return out;
  }

  private static String fingerprint(MessageType parquet, TableSchema schema) {
    StringBuilder sb = new StringBuilder(parquet.toString());
    for (SourceColumn c : schema.columns()) {
      sb.append(c.name()).append(' ').append(c.columnType()).append('\n');
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
