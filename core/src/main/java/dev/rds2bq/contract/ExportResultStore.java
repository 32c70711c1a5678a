package dev.rds2bq.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Full export results kept in S3 next to the files they describe, one object per range:
 * {@code <table's run folder>/_exports/<range label>.json}. ExportTable writes it and returns the
 * {@link SlimExportResult}, which is all the state machine carries; PublishTable reads it back. The
 * key names the range, not the attempt, so a retried export overwrites the result of the attempt
 * before it. It is never data: it ends in {@code .json}, so a load by {@code run=<runId>/*.parquet}
 * does not match it, and PublishTable keeps the results it reads.
 */
public final class ExportResultStore {
  private static final ObjectMapper WRITE = new ObjectMapper();
  /** A result written by another version of ExportTable may have fields this one does not know. */
  private static final ObjectMapper READ = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final ObjectStore store;
  private final BucketLayout layout;

  /** @param prefix the config's {@code prefix}, as the exports wrote under it */
  public ExportResultStore(ObjectStore store, String prefix) {
    this(store, new BucketLayout(prefix));
  }

  public ExportResultStore(ObjectStore store, BucketLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  /**
   * Writes the full result, replacing the one of an earlier attempt of the same range, and returns
   * its slim form. Called once the export's files are committed.
   */
  public SlimExportResult save(ExportResult r) {
    String key = BucketLayout.resultKey(r.label());
    byte[] json;
    try {
      json = WRITE.writeValueAsBytes(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    store.put(layout.runFolder(r) + key, json, "application/json");
    return new SlimExportResult(r.source(), r.runId(), r.attempt(), r.runDate(), r.database(), r.table(),
        r.range() == null ? null : new KeyRange(r.range().id(), null, null, null),
        r.rowsWritten(), r.files().size(), r.bytes(), r.durationMs(), key);
  }

  /**
   * The result an earlier execution of this attempt kept for the range, or null when there is none
   * or it cannot be read: then the range is simply exported again.
   */
  public ExportResult earlier(RunTable t, String label) {
    byte[] json = store.get(layout.runFolder(t) + BucketLayout.resultKey(label));
    if (json == null) {
      return null;
    }
    try {
      return READ.readValue(json, ExportResult.class);
    } catch (IOException e) {
      return null;
    }
  }

  /** How often a range was put off for its source, kept beside its result until the export succeeds. */
  public record SourceWaits(int waits, String last) {
    public static final SourceWaits NONE = new SourceWaits(0, null);
  }

  public SourceWaits waits(RunTable t, String label) {
    byte[] json = store.get(layout.runFolder(t) + BucketLayout.waitsKey(label));
    if (json == null) {
      return SourceWaits.NONE;
    }
    try {
      return READ.readValue(json, SourceWaits.class);
    } catch (IOException e) {
      return SourceWaits.NONE;
    }
  }

  /**
   * Counts one more wait of the range. One export of a range runs at a time (the Map runs each range
   * once, and retries follow a failure), so a plain read and write cannot lose a count.
   */
  public SourceWaits recordWait(RunTable t, String label, String evidence) {
    SourceWaits next = new SourceWaits(waits(t, label).waits() + 1, evidence);
    try {
      store.put(layout.runFolder(t) + BucketLayout.waitsKey(label), WRITE.writeValueAsBytes(next), "application/json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return next;
  }

  /** The full result: the entry itself, or for the slim form the object it names, checked by {@link #load}. */
  public ExportResult full(AnyExportResult e) {
    return e instanceof SlimExportResult s ? load(s) : (ExportResult) e;
  }

  /**
   * Reads the full result a slim one names. The object must be there, be this run's, table's and
   * range's, and report the rows, files and bytes the slim form does (or another attempt overwrote
   * it since): otherwise {@link IntegrityException} naming the range.
   */
  public ExportResult load(SlimExportResult s) {
    String table = (s.source() == null ? "" : s.source() + ".") + s.database() + "." + s.table();
    String range = "range " + s.label();
    if (!BucketLayout.isResultKey(s.resultKey())) {
      throw new InvalidInputException(table + ": " + range + ": resultKey must be the key of its result under the"
          + " run folder's " + BucketLayout.EXPORTS + ", as ExportTable returns it (e.g. "
          + BucketLayout.resultKey(s.label()) + "); got '"
          + s.resultKey() + "'");
    }
    String key = layout.runFolder(s) + s.resultKey();
    byte[] json = store.get(key);
    if (json == null) {
      throw new IntegrityException(table + ": " + range + ": its export result " + key
          + " is not in the bucket; export the range again");
    }
    ExportResult r;
    try {
      r = READ.readValue(json, ExportResult.class);
    } catch (IOException e) {
      throw new IntegrityException(table + ": " + range + ": " + key + " is not an export result ("
          + e.getMessage().lines().findFirst().orElse("") + "); export the range again");
    }
    if (r == null || r.files() == null || r.columns() == null || r.schemaFingerprint() == null
        || r.policyFingerprint() == null) {
      throw new IntegrityException(table + ": " + range + ": " + key + " is not a complete export result;"
          + " export the range again");
    }
    if (!s.runId().equals(r.runId()) || !s.runDate().equals(r.runDate())
        || !java.util.Objects.equals(s.source(), r.source()) || !s.database().equals(r.database())
        || !s.table().equals(r.table()) || !s.label().equals(r.label()) || !String.valueOf(s.attempt()).equals(r.attempt())) {
      throw new IntegrityException(table + ": " + range + ": " + key + " holds the result of " + r.database() + "."
          + r.table() + " range " + r.label() + " of run " + r.runId() + "/" + r.runDate()
          + ", not of this range of run " + s.runId() + "/" + s.runDate() + "; export the range again");
    }
    if (r.rowsWritten() != s.rowsWritten() || r.files().size() != s.fileCount() || r.bytes() != s.bytes()) {
      throw new IntegrityException(table + ": " + range + ": " + key + " reports " + r.rowsWritten() + " rows in "
          + r.files().size() + " files (" + r.bytes() + " bytes) but the ExportTable output " + s.rowsWritten()
          + " rows in " + s.fileCount() + " files (" + s.bytes() + " bytes): another attempt replaced it; export"
          + " the range again");
    }
    return r;
  }
}
