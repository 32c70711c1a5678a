package dev.rds2bq.parquet;

import dev.rds2bq.rows.Row;
import java.io.IOException;

/**
 * Where the encoder thread hands each row: the rolling Parquet writer, which counts a row as written
 * once Parquet has taken it. The export compares that count with the rows its reader took from the
 * result set, and the publish step both with the files' footers, so a row lost on the way fails the
 * table instead of vanishing from the snapshot.
 */
public interface RowSink {
  void write(Row row) throws IOException;

  /** Rows written so far. */
  long rows();
}
