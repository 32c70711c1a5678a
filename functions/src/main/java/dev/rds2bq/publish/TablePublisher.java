package dev.rds2bq.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.handler.JsonHandler;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.contract.AnyExportResult;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.TableStates;
import dev.rds2bq.contract.ColumnReceipt;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.ExportResult.ColumnEntry;
import dev.rds2bq.contract.ExportResult.FileEntry;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.contract.Manifest;
import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.PublishResult;
import dev.rds2bq.mask.MaskRule;
import dev.rds2bq.contract.SlimExportResult;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.Sources;
import dev.rds2bq.source.SourceSnapshot;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.storage.ObjectStore.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes one table's snapshot visible, all or nothing. It reads the full result of each export given
 * in the slim form from S3, checks what the run wrote against what the exports reported (every file
 * there with its size, rows adding up, one schema across ranges), deletes files no export reported
 * (left by failed or retried attempts), keeping the results it read, then writes
 * {@code _manifest.json}, {@code _SUCCESS} last, and moves the table's {@code _latest.json} pointer
 * forward. Nothing is written when a check fails.
 */
public final class TablePublisher {
  /** BigQuery's limit on a column description, in characters. */
  static final int MAX_DESCRIPTION = 1024;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ObjectStore store;
  private final BucketLayout layout;
  private final Clock clock;
  private final Sources sources;
  private final ExportResultStore results;
  private final TableStates states;

  public TablePublisher(ObjectStore store, String prefix, Clock clock) {
    this(store, prefix, clock, (Sources) null);
  }

  /** @param source when not null, each range's rows are counted in the source and must match */
  public TablePublisher(ObjectStore store, String prefix, Clock clock, Source source) {
    this(store, prefix, clock, source == null ? null : Sources.only(source));
  }

  /** @param sources when not null, each range's rows are counted in its table's source and must match */
  public TablePublisher(ObjectStore store, String prefix, Clock clock, Sources sources) {
    this.store = store;
    this.layout = new BucketLayout(prefix);
    this.clock = clock;
    this.sources = sources;
    this.results = new ExportResultStore(store, layout);
    this.states = new TableStates(store, layout);
  }

  public PublishResult publish(PublishRequest request) {
    String table = (request.source() == null ? "" : request.source() + ".") + request.database() + "."
        + request.table();
    validate(request);
    String runPrefix = layout.runFolder(request);
    List<ExportResult> exports = new ArrayList<>();
    Set<String> resultKeys = new HashSet<>(); // the results read: kept, so that a retried publish reads them again
    for (AnyExportResult e : request.exports()) {
      if (e instanceof SlimExportResult slim) {
        exports.add(results.load(slim));
        resultKeys.add(runPrefix + slim.resultKey());
      } else {
        exports.add((ExportResult) e);
      }
    }
    checkOneSchema(table, exports);

    Map<String, Long> stored = new HashMap<>();
    for (StoredObject o : store.list(runPrefix)) {
      stored.put(o.key(), o.size());
    }
    Map<String, ParquetFooters.Footer> footers = readFooters(table, exports, stored);
    List<Manifest.File> files = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    long rows = 0;
    long bytes = 0;
    Map<String, Long> zeroDates = new TreeMap<>();
    List<Manifest.File> keyFiles = new ArrayList<>();
    long keyRows = 0;
    boolean withKeys = exports.get(0).keyFiles() != null;
    for (ExportResult e : exports) {
      if ((e.keyFiles() != null) != withKeys) {
        // Key files stand for every row of the table: a range without them would read as all deleted.
        throw new IntegrityException(table + ": range " + e.label() + (withKeys ? " has no" : " has") + " key files"
            + " where range " + exports.get(0).label() + (withKeys ? " has" : " has none") + "; export the table again");
      }
    }
    for (ExportResult e : exports) {
      long fileRows = 0;
      for (FileEntry f : e.keyFiles() == null ? List.<FileEntry>of() : e.keyFiles()) {
        Manifest.File checked = checkedFile(table, e, f, stored, footers);
        reported.add(f.key());
        keyFiles.add(checked);
        keyRows += checked.rows();
      }
      for (FileEntry f : e.files()) {
        Manifest.File checked = checkedFile(table, e, f, stored, footers);
        reported.add(f.key());
        files.add(checked);
        fileRows += checked.rows();
        bytes += f.bytes();
      }
      // Three counts taken apart must agree: rows read from the result set, rows the writer encoded, and
      // rows the footers hold. A row lost between any two fails the table.
      if (e.rowsRead() != e.rowsWritten() || fileRows != e.rowsWritten()) {
        throw new IntegrityException(table + ": range " + e.label() + " read " + e.rowsRead() + " rows from the source,"
            + " its writer encoded " + e.rowsWritten() + ", and its files' footers hold " + fileRows
            + "; rows were lost on the way: export the range again");
      }
      rows += e.rowsWritten();
      if (e.zeroDates() != null) {
        e.zeroDates().forEach((column, n) -> zeroDates.merge(column, n, Long::sum));
      }
    }

    if (sources != null) {
      verifySourceCounts(table, request, exports);
    }
    files.sort((a, b) -> a.key().compareTo(b.key()));
    String manifestKey = layout.manifestKey(request);
    // A publish that died after writing the manifest is taken up where it stopped; nothing of an
    // attempt that has a manifest is deleted or written again.
    Manifest published = stored.containsKey(manifestKey) ? readManifest(table, manifestKey) : null;
    int strays = 0;
    if (published == null) {
      for (String key : stored.keySet()) {
        if (!reported.contains(key) && !resultKeys.contains(key) && !resultKeys.contains(resultOfWaits(key))
            && !isMarker(request, key)) {
          // A part of a failed or retried try at a range of this unpublished attempt, never part of the
          // snapshot, or the result of a range this publish does not have (a plan with other ranges).
          store.delete(key);
          strays++;
        }
      }
      ExportResult first = exports.get(0);
      CursorWindow window = window(table, exports);
      Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, request.source(), request.database(), request.table(),
          first.tableComment(), request.runId(), request.attempt(), request.runDate(), clock.instant().toString(), rows,
          bytes, files,
          first.columns().stream().filter(c -> c.output() != null)
              .map(c -> new Manifest.Field(c.output(), c.parquetType())).toList(),
          first.columns().stream().filter(c -> c.output() != null)
              .map(c -> new Manifest.BigQueryField(c.output(), c.bigQueryType(), "NULLABLE", description(c))).toList(),
          first.columns().stream()
              .map(c -> new Manifest.Column(c.source(), c.sourceType(), c.output(), c.policy(), c.comment())).toList(),
          first.schemaFingerprint(), first.policyFingerprint(), first.hashKeyId(), zeroDates,
          ColumnReceipt.combine(exports.stream().map(ExportResult::receipts).toList()), first.primaryKey(),
          window == null ? null : window.after() == null ? Manifest.FULL : Manifest.CHANGES, window,
          withKeys ? keyFiles : null, withKeys ? keyRows : null);
      // If-None-Match: a manifest, once there, is never replaced, even by a publish racing this one.
      published = store.putIf(manifestKey, json(manifest), "application/json", null) ? manifest
          : readManifest(table, manifestKey);
    }
    requireSameSnapshot(table, request, published, files, exports.get(0));
    store.putIf(layout.successKey(request), new byte[0], "text/plain", null); // already there after a retry: fine
    // A change set is not a table: _latest.json keeps naming the last full snapshot.
    String latest = published.changeSet() ? "kept: a change set does not move it" : moveLatest(request, published,
        manifestKey);
    if (published.window() != null) {
      states.published(request, published, manifestKey, clock.instant().toString());
    }
    return new PublishResult(request.source(), request.database(), request.table(), request.runId(), request.attempt(),
        request.runDate(), manifestKey, files.size(), rows, bytes, strays, latest,
        (int) exports.stream().filter(ExportResult::wasReused).count(),
        exports.stream().mapToInt(ExportResult::waits).sum());
  }

  /**
   * The table's cursor window: every range read the same cursor from the same lower mark; the
   * table's upper mark is the lowest of theirs, so that every row at or below it was visible to
   * every range's snapshot (a range's rows above it are read again by the next window).
   */
  private static CursorWindow window(String table, List<ExportResult> exports) {
    CursorWindow first = exports.get(0).window();
    String upTo = null;
    for (ExportResult e : exports) {
      CursorWindow w = e.window();
      if ((w == null) != (first == null) || (w != null && (!w.column().equals(first.column())
          || !java.util.Objects.equals(w.after(), first.after())))) {
        throw new IntegrityException(table + ": range " + e.label() + " read another cursor window ("
            + w + ") than range " + exports.get(0).label() + " (" + first + "); export the table again");
      }
      if (w != null && w.upTo() != null && (upTo == null || CursorWindow.compareMarks(w.upTo(), upTo) < 0)) {
        upTo = w.upTo();
      }
    }
    return first == null ? null : new CursorWindow(first.column(), first.after(), upTo);
  }

  /** The result key whose range a waits record counts ({@link BucketLayout#waitsKey}): kept with it. */
  private static String resultOfWaits(String key) {
    String waits = ".waits.json";
    return key.endsWith(waits) ? key.substring(0, key.length() - waits.length()) + ".json" : null;
  }

  private Manifest readManifest(String table, String key) {
    byte[] json = store.get(key);
    try {
      Manifest m = json == null ? null : JsonHandler.LENIENT.readValue(json, Manifest.class);
      if (m == null || m.files() == null) {
        throw new IOException("no files");
      }
      return m;
    } catch (IOException e) {
      throw new IntegrityException(table + ": " + key + " is there but is not a readable manifest; the attempt cannot"
          + " be published again: run the table again (PlanRun gives it a new attempt)");
    }
  }

  /**
   * The attempt's manifest, whether this call wrote it or an earlier try did, must describe exactly
   * the files checked here: a retried publish then finishes the same snapshot, and anything else is
   * refused rather than changing what readers of that manifest may already hold.
   */
  /** A reported file as it is in the bucket: its size, and a footer of its rows, run and range. */
  private static Manifest.File checkedFile(String table, ExportResult e, FileEntry f, Map<String, Long> stored,
      Map<String, ParquetFooters.Footer> footers) {
    Long size = stored.get(f.key());
    if (size == null) {
      throw new IntegrityException(table + ": file " + f.key() + " reported by range " + e.label()
          + " is not in the bucket; export the range again");
    }
    if (size != f.bytes()) {
      throw new IntegrityException(table + ": file " + f.key() + " holds " + size + " bytes, its export reported "
          + f.bytes() + "; export the range again");
    }
    ParquetFooters.Footer footer = footers.get(f.key());
    if (footer.rows() != f.rows() || !e.runId().equals(footer.metadata().get("rds2bq.run_id"))
        || !e.label().equals(footer.metadata().get("rds2bq.range"))) {
      throw new IntegrityException(table + ": file " + f.key() + " of range " + e.label() + " has a footer of "
          + footer.rows() + " rows of run " + footer.metadata().get("rds2bq.run_id") + ", range "
          + footer.metadata().get("rds2bq.range") + "; its export reported " + f.rows() + " rows; export the range"
          + " again");
    }
    return new Manifest.File(f.key(), f.bytes(), footer.rows(), e.label());
  }

  private static List<FileEntry> allFiles(ExportResult e) {
    List<FileEntry> all = new ArrayList<>(e.files());
    if (e.keyFiles() != null) {
      all.addAll(e.keyFiles());
    }
    return all;
  }

  private static void requireSameSnapshot(String table, PublishRequest r, Manifest m, List<Manifest.File> files,
      ExportResult first) {
    if (!m.files().equals(files) || !r.runId().equals(m.runId()) || !r.attempt().equals(m.attempt())
        || !first.schemaFingerprint().equals(m.schemaFingerprint())
        || !first.policyFingerprint().equals(m.policyFingerprint())) {
      throw new IntegrityException(table + ": attempt " + r.attempt() + " of run " + r.runId() + " is already published"
          + " with other files (" + m.files().size() + " in its manifest, " + files.size() + " here); a published"
          + " attempt is never changed: run the table again (PlanRun gives it a new attempt)");
    }
  }

  /**
   * The footer of every reported file that is in the bucket, read eight at a time: one ranged GET each
   * (files missing or of another size fail later with their own message).
   */
  private Map<String, ParquetFooters.Footer> readFooters(String table, List<ExportResult> exports,
      Map<String, Long> stored) {
    List<ExportResult.FileEntry> wanted = new ArrayList<>();
    for (ExportResult e : exports) {
      for (FileEntry f : allFiles(e)) {
        Long size = stored.get(f.key());
        if (size != null && size == f.bytes()) {
          wanted.add(f);
        }
      }
    }
    Map<String, ParquetFooters.Footer> out = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        Math.max(1, Math.min(FOOTER_READERS, wanted.size())));
    try {
      List<java.util.concurrent.Future<?>> reads = new ArrayList<>();
      for (FileEntry f : wanted) {
        reads.add(pool.submit(() -> out.put(f.key(), ParquetFooters.read(store, table, f.key(), f.bytes()))));
      }
      for (java.util.concurrent.Future<?> r : reads) {
        try {
          r.get();
        } catch (java.util.concurrent.ExecutionException ex) {
          if (ex.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(ex.getCause());
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while reading footers", ex);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  /** Footers read at once: S3 calls of a few milliseconds each, for up to 850 ranges' files. */
  static final int FOOTER_READERS = 8;

  /** The request's own shape, and the number of ranges; nothing is read from S3 before these pass. */
  private void validate(PublishRequest r) {
    if (r.runId() == null || !r.runId().matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new InvalidInputException("PublishTable needs 'runId', the run id of the PlanRun output (1-128 letters,"
          + " digits, '_', '.' or '-'); got " + (r.runId() == null ? "nothing" : "'" + r.runId() + "'"));
    }
    if (r.database() == null || r.database().isBlank() || r.table() == null || r.table().isBlank()) {
      throw new InvalidInputException("PublishTable needs 'database' and 'table', the table's names in the plan; got "
          + r.database() + "." + r.table());
    }
    if (!BucketLayout.isAttempt(r.attempt())) {
      throw new InvalidInputException("PublishTable needs 'attempt', the table's attempt in the PlanRun output (a"
          + " number from 1); got " + (r.attempt() == null ? "nothing" : "'" + r.attempt() + "'"));
    }
    if (r.expectedRanges() != null && r.expectedRanges() < 1) {
      throw new InvalidInputException("PublishTable needs 'expectedRanges' of at least 1, the table's expectedRanges"
          + " in the PlanRun output; got " + r.expectedRanges());
    }
    if (r.exports() == null || r.exports().isEmpty()) {
      throw new InvalidInputException("PublishTable needs the export results of " + r.database() + "." + r.table());
    }
    try {
      LocalDate.parse(r.runDate() == null ? "" : r.runDate());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("runDate must be YYYY-MM-DD; got '" + r.runDate() + "'");
    }
    if (r.source() != null && !r.source().matches(dev.rds2bq.config.PipelineConfig.SOURCE_NAME_PATTERN)) {
      throw new InvalidInputException("source must be a source name of the config (lower-case letters and digits);"
          + " got '" + r.source() + "'");
    }
    String table = (r.source() == null ? "" : r.source() + ".") + r.database() + "." + r.table();
    Set<String> labels = new HashSet<>();
    for (AnyExportResult e : r.exports()) {
      if (e == null) {
        throw new InvalidInputException(table + ": an entry of exports is null; pass the ExportTable outputs");
      }
      if (!r.runId().equals(e.runId()) || !r.runDate().equals(e.runDate())
          || !java.util.Objects.equals(r.source(), e.source()) || !r.database().equals(e.database())
          || !r.table().equals(e.table()) || !r.attempt().equals(e.attempt())) {
        throw new InvalidInputException(table + ": an export result of " + e.database() + "." + e.table() + " run "
            + e.runId() + "/" + e.runDate() + " attempt " + e.attempt() + " was passed to the publish of run "
            + r.runId() + "/" + r.runDate() + " attempt " + r.attempt());
      }
      if (!labels.add(e.label())) {
        throw new InvalidInputException(table + ": range " + e.label() + " appears twice");
      }
      if (e instanceof SlimExportResult slim && !BucketLayout.isResultKey(slim.resultKey())) {
        throw new InvalidInputException(table + ": range " + e.label() + ": resultKey must be the key of its result"
            + " under the run folder's " + BucketLayout.EXPORTS + ", as ExportTable returns it (e.g. "
            + BucketLayout.resultKey(e.label()) + "); got '" + slim.resultKey() + "'");
      }
      if (e instanceof ExportResult full && (full.files() == null || full.columns() == null
          || full.schemaFingerprint() == null || full.policyFingerprint() == null)) {
        throw new InvalidInputException(table + ": the export result of range " + e.label() + " has no files,"
            + " columns or fingerprints and no resultKey; pass the ExportTable output unchanged");
      }
    }
    if (r.expectedRanges() != null && r.expectedRanges() != r.exports().size()) {
      throw new IntegrityException(table + ": the plan made " + r.expectedRanges() + " ranges but "
          + r.exports().size() + " exports reported; a table with a failed range is not published");
    }
  }

  /** One schema and one masking policy across the ranges. */
  private static void checkOneSchema(String table, List<ExportResult> exports) {
    ExportResult first = exports.get(0);
    for (ExportResult e : exports) {
      if (!first.schemaFingerprint().equals(e.schemaFingerprint())
          || !first.policyFingerprint().equals(e.policyFingerprint())) {
        throw new IntegrityException(table + ": range " + e.label() + " was written with another schema or masking"
            + " policy than range " + first.label() + " (the table or the policy changed during the run); run the"
            + " table again");
      }
      // Two HMAC keys in one table would break every join on its hashed columns without a word.
      if (!java.util.Objects.equals(first.hashKeyId(), e.hashKeyId())) {
        throw new IntegrityException(table + ": range " + e.label() + " was hashed with key " + e.hashKeyId()
            + " but range " + first.label() + " with key " + first.hashKeyId() + " (the hash key was rotated during"
            + " the run); export the table again (docs/masking.md#hash)");
      }
    }
  }

  /** Counts every range in one snapshot of the source; a difference fails the publish. */
  private void verifySourceCounts(String table, PublishRequest r, List<ExportResult> exports) {
    try (SourceSnapshot snapshot = sources.get(r.source()).snapshot(r.database())) {
      TableSchema schema = snapshot.table(r.table());
      for (ExportResult e : exports) {
        long counted = snapshot.count(schema, e.range());
        if (counted != e.rowsWritten()) {
          throw new IntegrityException(table + ": range " + e.label() + " has " + counted + " rows in the source"
              + " now, the export wrote " + e.rowsWritten() + "; if the table changes during runs, turn off"
              + " config key publish.verifySourceCount, else export the range again");
        }
      }
    }
  }

  /** Attempts at moving {@code _latest.json} before giving up on writers that keep changing it. */
  static final int LATEST_TRIES = 10;

  /**
   * Moves {@code _latest.json} to this snapshot unless it points at a later run date (or at a later
   * publish of the same date), which only {@code replaceNewer} overrides. A read-modify-write made safe
   * by S3's conditional writes: the new pointer is written only if the key still holds what was read
   * ({@code If-Match}), or nothing ({@code If-None-Match}), so two publishes never lose each other's
   * update; the loser reads again and decides again. Returns what happened, in words.
   */
  private String moveLatest(PublishRequest r, Manifest m, String manifestKey) {
    String latestKey = layout.latestKey(r);
    Instant publishedAt = instant(m.publishedAt());
    StorageUnavailableException lastFailure = null;
    for (int tries = 0; tries < LATEST_TRIES; tries++) {
      // Listed before it is read: for a missing key S3 answers GetObject with 403, not 404, unless the
      // role may list the whole bucket, and PublishTable may list only under the prefix.
      boolean exists = store.list(latestKey).stream().anyMatch(o -> o.key().equals(latestKey));
      ObjectStore.Tagged current = exists ? store.getTagged(latestKey) : null;
      if (current != null) {
        JsonNode now = null;
        try {
          now = JSON.readTree(current.content());
        } catch (IOException unreadable) {
          // A damaged pointer is replaced.
        }
        if (now != null && manifestKey.equals(now.path("manifest").asText())) {
          return "points here";
        }
        if (now != null && !r.replacesNewer()) {
          String date = now.path("runDate").asText("");
          boolean later = date.compareTo(r.runDate()) > 0 || (date.equals(r.runDate())
              && instant(now.path("publishedAt").asText("")).isAfter(publishedAt));
          if (later) {
            return "kept on " + date + " (run " + now.path("runId").asText() + "), later than this run; pass"
                + " \"replaceNewer\": true to move it back";
          }
        }
      }
      Map<String, String> latest = new TreeMap<>();
      latest.put("runDate", r.runDate());
      latest.put("runId", r.runId());
      latest.put("attempt", r.attempt());
      latest.put("manifest", manifestKey);
      latest.put("publishedAt", m.publishedAt());
      try {
        if (store.putIf(latestKey, json(latest), "application/json", current == null ? null : current.tag())) {
          return "moved here";
        }
      } catch (StorageUnavailableException ambiguous) {
        // A PUT whose answer was lost may have been written (and the SDK's own retry of it then refused):
        // whether it was is learnt by reading again, as after a refusal; the update is idempotent.
        lastFailure = ambiguous;
      }
    }
    throw new StorageUnavailableException(r.database() + "." + r.table() + ": " + latestKey + " could not be moved in "
        + LATEST_TRIES + " tries: " + (lastFailure == null ? "another publish kept writing it"
        : "the last write failed: " + lastFailure.getMessage()) + ". Transient: retried", lastFailure);
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }

  /**
   * The BigQuery column description: the MySQL comment, what masking did, and always the source
   * column's own name and type, so that a renamed column can be traced back
   * (docs/type-mapping.md#column-names). BigQuery allows 1,024 characters; the source part is kept.
   */
  static String description(ColumnEntry c) {
    String comment = c.comment() == null || c.comment().isBlank() ? null : c.comment().trim();
    String masked = MaskRule.describe(c.policy());
    String text = comment == null ? masked : masked == null ? comment : comment + " (" + masked + ")";
    String source = "MySQL column " + c.source() + " (" + c.sourceType() + ")";
    if (text == null) {
      return truncate(source, MAX_DESCRIPTION);
    }
    String suffix = "; " + source;
    int room = MAX_DESCRIPTION - suffix.codePointCount(0, suffix.length());
    return room <= 0 ? truncate(source, MAX_DESCRIPTION) : truncate(text, room) + suffix;
  }

  private static String truncate(String s, int codePoints) {
    return s.codePointCount(0, s.length()) <= codePoints ? s : s.substring(0, s.offsetByCodePoints(0, codePoints));
  }

  private boolean isMarker(PublishRequest r, String key) {
    return key.equals(layout.manifestKey(r)) || key.equals(layout.successKey(r));
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
