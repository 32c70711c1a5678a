package dev.rds2bq.parquet;

import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * The record consumer of a flat schema of optional primitive fields, which is every schema rds2bq
 * writes: a value goes straight to its column's writer (repetition level 0, definition level 1) and
 * a field no writer emitted is written as NULL (definition level 0) when the row ends. parquet-java's
 * general consumer ({@code MessageColumnIORecordConsumer}) walks a tree of column IOs and keeps
 * per-level bookkeeping for nested and repeated fields on every value; a flat schema needs none of it.
 */
final class ColumnRecordConsumer extends RecordConsumer {
  private final ColumnWriteStore store;
  private final ColumnWriter[] columns;
  private final boolean[] written;
  private ColumnWriter current;

  ColumnRecordConsumer(ColumnWriteStore store, ColumnWriter[] columns) {
    this.store = store;
    this.columns = columns;
    this.written = new boolean[columns.length];
  }

  @Override
  public void startMessage() {}

  @Override
  public void endMessage() {
    ColumnWriter[] cs = columns;
    boolean[] w = written;
    for (int i = 0; i < cs.length; i++) {
      if (w[i]) {
        w[i] = false;
      } else {
        cs[i].writeNull(0, 0);
      }
    }
    store.endRecord();
  }

  @Override
  public void startField(String field, int index) {
    if (written[index]) {
      throw new IllegalStateException("field " + field + " written twice in one row");
    }
    written[index] = true;
    current = columns[index];
  }

  @Override
  public void endField(String field, int index) {}

  @Override
  public void startGroup() {
    throw new UnsupportedOperationException("rds2bq writes flat rows: no groups");
  }

  @Override
  public void endGroup() {
    throw new UnsupportedOperationException("rds2bq writes flat rows: no groups");
  }

  @Override
  public void addInteger(int value) {
    current.write(value, 0, 1);
  }

  @Override
  public void addLong(long value) {
    current.write(value, 0, 1);
  }

  @Override
  public void addBoolean(boolean value) {
    current.write(value, 0, 1);
  }

  @Override
  public void addBinary(Binary value) {
    current.write(value, 0, 1);
  }

  @Override
  public void addFloat(float value) {
    current.write(value, 0, 1);
  }

  @Override
  public void addDouble(double value) {
    current.write(value, 0, 1);
  }
}
