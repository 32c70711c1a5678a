package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The ExportTable output that travels through the state machine: which export it was, what it
 * wrote in total, and where its full {@link ExportResult} is. About 200 bytes whatever the number
 * of columns, so a table's results fit one Step Functions payload (docs/state-machine.md).
 *
 * @param range only the range's {@code id} (the bounds are in the plan and in the full result);
 *     null for a table exported in one piece
 * @param resultKey the full result's key relative to the table's run folder:
 *     {@code _exports/<range label>.json} ({@link ExportResultStore})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = JsonDeserializer.None.class)
public record SlimExportResult(
    String source,
    String runId,
    String attempt,
    String runDate,
    String database,
    String table,
    KeyRange range,
    long rowsWritten,
    int fileCount,
    long bytes,
    long durationMs,
    String resultKey) implements AnyExportResult {
  /** A result of a table of the config's single {@code source}. */
  public SlimExportResult(String runId, String attempt, String runDate, String database, String table, KeyRange range,
      long rowsWritten, int fileCount, long bytes, long durationMs, String resultKey) {
    this(null, runId, attempt, runDate, database, table, range, rowsWritten, fileCount, bytes, durationMs, resultKey);
  }
}
