package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Map;

/**
 * What one export read and wrote. The publish step checks the files listed here against the bucket,
 * so only committed files appear. ExportTable keeps it in S3 ({@link ExportResultStore}) and returns
 * its {@link SlimExportResult}; PublishTable takes either form. {@code receipts} holds one
 * {@link ColumnReceipt} per output column, in output order; {@code primaryKey} the output names of the
 * table's primary-key columns that are written, in key order. {@code replicaLag} is what the source
 * said of its replication before the rows were read, {@code sourceWaits} how many times the range
 * was put off first because the replica was too far behind (absent: none), and {@code reused} marks
 * a result taken over from an earlier execution of the same attempt without reading the source
 * again (docs/state-machine.md#resume). {@code window} is the cursor window the export read, with the
 * {@code upTo} it read inside its snapshot (absent for a full read). {@code keyFiles} hold the primary
 * keys of every row of the range in the same snapshot, written for a {@code deletes: key_diff}
 * table's change set only: BigQuery deletes the rows whose key is not among them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = JsonDeserializer.None.class)
public record ExportResult(
    String source,
    String runId,
    String attempt,
    String runDate,
    String database,
    String table,
    String tableComment,
    KeyRange range,
    long rowsRead,
    long rowsWritten,
    List<FileEntry> files,
    List<ColumnEntry> columns,
    String schemaFingerprint,
    String policyFingerprint,
    String hashKeyId,
    Map<String, Long> zeroDates,
    long durationMs,
    List<ColumnReceipt> receipts,
    List<String> primaryKey,
    String replicaLag,
    Integer sourceWaits,
    Boolean reused,
    CursorWindow window,
    List<FileEntry> keyFiles) implements AnyExportResult {

  /** A result without key files (every table but a key_diff table's change set). */
  public ExportResult(String source, String runId, String attempt, String runDate, String database, String table,
      String tableComment, KeyRange range, long rowsRead, long rowsWritten, List<FileEntry> files,
      List<ColumnEntry> columns, String schemaFingerprint, String policyFingerprint, String hashKeyId,
      Map<String, Long> zeroDates, long durationMs, List<ColumnReceipt> receipts, List<String> primaryKey,
      String replicaLag, Integer sourceWaits, Boolean reused, CursorWindow window) {
    this(source, runId, attempt, runDate, database, table, tableComment, range, rowsRead, rowsWritten, files, columns,
        schemaFingerprint, policyFingerprint, hashKeyId, zeroDates, durationMs, receipts, primaryKey, replicaLag,
        sourceWaits, reused, window, null);
  }

  /** A result without receipts (an export that did not compute them), of the config's single {@code source}. */
  public ExportResult(String runId, String attempt, String runDate, String database, String table,
      String tableComment, KeyRange range, long rowsRead, long rowsWritten, List<FileEntry> files,
      List<ColumnEntry> columns, String schemaFingerprint, String policyFingerprint, String hashKeyId,
      Map<String, Long> zeroDates, long durationMs) {
    this(null, runId, attempt, runDate, database, table, tableComment, range, rowsRead, rowsWritten, files, columns,
        schemaFingerprint, policyFingerprint, hashKeyId, zeroDates, durationMs, null, null, null, null, null, null);
  }

  /** The same result, taken over by a later execution of its attempt instead of being exported again. */
  public ExportResult asReused() {
    return new ExportResult(source, runId, attempt, runDate, database, table, tableComment, range, rowsRead,
        rowsWritten, files, columns, schemaFingerprint, policyFingerprint, hashKeyId, zeroDates, durationMs, receipts,
        primaryKey, replicaLag, sourceWaits, Boolean.TRUE, window, keyFiles);
  }

  public int waits() {
    return sourceWaits == null ? 0 : sourceWaits;
  }

  public boolean wasReused() {
    return Boolean.TRUE.equals(reused);
  }

  public record FileEntry(String key, long bytes, long rows) {}

  /**
   * One source column: its output name and types (absent when dropped), the policy applied and why.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ColumnEntry(String source, String sourceType, String output, String parquetType,
      String bigQueryType, String policy, String reason, String comment) {}

  public long bytes() {
    return files.stream().mapToLong(FileEntry::bytes).sum();
  }
}
