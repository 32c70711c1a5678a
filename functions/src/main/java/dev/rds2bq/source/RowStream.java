package dev.rds2bq.source;

import dev.rds2bq.rows.RowBatch;

/**
 * The rows of one scan ({@link SourceSnapshot#rows}), handed over a batch at a time: the page source
 * of the export. The batch's getters ({@code ReadAs}) say how each column is read; the stream adds
 * rows in the SELECT order of its columns.
 */
public interface RowStream extends AutoCloseable {
  /** No rows at all: a window over a table without rows, where no mark could be read. */
  RowStream EMPTY = new RowStream() {
    @Override
    public boolean fill(RowBatch batch) {
      return false;
    }

    @Override
    public void close() {}
  };

  /** Adds rows until the batch is full or the rows end; false once the rows have ended and none was added. */
  boolean fill(RowBatch batch);

  /** Releases the scan; an unfinished one is abandoned, never read to its end. */
  @Override
  void close();
}
