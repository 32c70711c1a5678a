package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code _manifest.json}: the complete description of one published snapshot of a table
 * (docs/data-contract.md). Readers take the file list from here, never from a listing. {@code receipts}
 * holds the aggregates of what was written, one {@link ColumnReceipt} per BigQuery column, which the
 * load checks against the loaded table (docs/data-contract.md#receipts); {@code primaryKey} the output
 * names of the primary key's written columns, the default clustering of a new table; both absent in
 * older manifests. An incremental table's manifest has {@code kind} {@code full} (every row up to the
 * mark) or {@code changes} (the rows after the previous mark) and its {@code window}; both are absent
 * for a snapshot table (docs/data-contract.md#incremental-tables). A {@code deletes: key_diff} table's
 * change set also lists {@code keyFiles}, the primary keys of every row of the table in the export's
 * snapshot ({@code keyRows} of them): a reader deletes the rows whose key is not there.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    int formatVersion,
    String source,
    String database,
    String table,
    String tableComment,
    String runId,
    String attempt,
    String runDate,
    String publishedAt,
    long rows,
    long bytes,
    List<File> files,
    List<Field> parquetSchema,
    List<BigQueryField> bigQuerySchema,
    List<Column> columns,
    String schemaFingerprint,
    String policyFingerprint,
    String hashKeyId,
    Map<String, Long> zeroDates,
    List<ColumnReceipt> receipts,
    List<String> primaryKey,
    String kind,
    CursorWindow window,
    List<File> keyFiles,
    Long keyRows) implements RunTable {

  public static final int FORMAT_VERSION = 1;
  public static final String FULL = "full";
  public static final String CHANGES = "changes";

  /** A snapshot table's manifest (no cursor window). */
  public Manifest(int formatVersion, String source, String database, String table, String tableComment, String runId,
      String attempt, String runDate, String publishedAt, long rows, long bytes, List<File> files,
      List<Field> parquetSchema, List<BigQueryField> bigQuerySchema, List<Column> columns, String schemaFingerprint,
      String policyFingerprint, String hashKeyId, Map<String, Long> zeroDates, List<ColumnReceipt> receipts,
      List<String> primaryKey) {
    this(formatVersion, source, database, table, tableComment, runId, attempt, runDate, publishedAt, rows, bytes,
        files, parquetSchema, bigQuerySchema, columns, schemaFingerprint, policyFingerprint, hashKeyId, zeroDates,
        receipts, primaryKey, null, null);
  }

  /** A manifest without key files. */
  public Manifest(int formatVersion, String source, String database, String table, String tableComment, String runId,
      String attempt, String runDate, String publishedAt, long rows, long bytes, List<File> files,
      List<Field> parquetSchema, List<BigQueryField> bigQuerySchema, List<Column> columns, String schemaFingerprint,
      String policyFingerprint, String hashKeyId, Map<String, Long> zeroDates, List<ColumnReceipt> receipts,
      List<String> primaryKey, String kind, CursorWindow window) {
    this(formatVersion, source, database, table, tableComment, runId, attempt, runDate, publishedAt, rows, bytes,
        files, parquetSchema, bigQuerySchema, columns, schemaFingerprint, policyFingerprint, hashKeyId, zeroDates,
        receipts, primaryKey, kind, window, null, null);
  }

  /** Whether this is an incremental table's change set (the rows after a mark), not a whole table. */
  public boolean changeSet() {
    return CHANGES.equals(kind);
  }

  /** A manifest without receipts, as written before they existed, of a table of the config's single {@code source}. */
  public Manifest(int formatVersion, String database, String table, String tableComment, String runId, String attempt,
      String runDate, String publishedAt, long rows, long bytes, List<File> files, List<Field> parquetSchema,
      List<BigQueryField> bigQuerySchema, List<Column> columns, String schemaFingerprint, String policyFingerprint,
      String hashKeyId, Map<String, Long> zeroDates) {
    this(formatVersion, null, database, table, tableComment, runId, attempt, runDate, publishedAt, rows, bytes, files,
        parquetSchema, bigQuerySchema, columns, schemaFingerprint, policyFingerprint, hashKeyId, zeroDates, null, null);
  }

  /** A data file; {@code range} is the label of the key range that wrote it. */
  public record File(String key, long bytes, long rows, String range) {}

  public record Field(String name, String type) {}

  /** The destination column, as the load step declares it. */
  public record BigQueryField(String name, String type, String mode, String description) {}

  /** A source column and what became of it; {@code output} is absent when the policy dropped it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Column(String source, String sourceType, String output, String policy, String comment) {}
}
