package dev.rds2bq.parquet;

import java.sql.SQLException;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Copies one column of the current row into the Parquet record. One instance per output column,
 * chosen once per export, so the row loop has no type switch and no per-row allocation beyond the
 * value itself. A NULL writes nothing (every field is optional).
 */
public abstract class FieldWriter {
  /** 1-based index in the SELECT list. */
  protected final int column;
  protected final String field;
  protected final int fieldIndex;

  protected FieldWriter(int column, String field, int fieldIndex) {
    this.column = column;
    this.field = field;
    this.fieldIndex = fieldIndex;
  }

  public abstract void write(Row row, RecordConsumer out) throws SQLException;

  /** The getter this writer uses on its column; the reader thread calls it ahead of time. */
  public abstract ReadAs readAs();

  /** 1-based index in the SELECT list, 0 when the column is not selected. */
  public int column() {
    return column;
  }

  public String field() {
    return field;
  }
}
