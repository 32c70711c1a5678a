package dev.rds2bq.parquet;

import dev.rds2bq.rows.Row;
import dev.rds2bq.rows.ReadAs;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.apache.parquet.io.api.Binary;
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
  /** Aggregates of the values written, for the load receipt; null when none is kept. */
  private ColumnTally tally;

  protected FieldWriter(int column, String field, int fieldIndex) {
    this.column = column;
    this.field = field;
    this.fieldIndex = fieldIndex;
  }

  public abstract void write(Row row, RecordConsumer out) throws SQLException;

  /** Makes every value this writer emits count in {@code tally}; set once, before the first row. */
  public void tally(ColumnTally tally) {
    this.tally = tally;
  }

  /** The getter this writer uses on its column; the reader thread calls it ahead of time. */
  public abstract ReadAs readAs();

  /** 1-based index in the SELECT list, 0 when the column is not selected. */
  public int column() {
    return column;
  }

  public String field() {
    return field;
  }

  /**
   * Text as an array-backed Binary. {@code Binary.fromString} makes a ByteBuffer-backed one, whose
   * equals() is several times slower in the dictionary lookups that repeated values go through.
   */
  protected static Binary utf8(String s) {
    return Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
  }

  // One value of this writer's field; every field is optional, so a NULL is simply not emitted.

  protected final void emitInt(RecordConsumer out, int v) {
    if (tally != null) {
      tally.add(v);
    }
    out.startField(field, fieldIndex);
    out.addInteger(v);
    out.endField(field, fieldIndex);
  }

  protected final void emitLong(RecordConsumer out, long v) {
    if (tally != null) {
      tally.add(v);
    }
    out.startField(field, fieldIndex);
    out.addLong(v);
    out.endField(field, fieldIndex);
  }

  protected final void emitFloat(RecordConsumer out, float v) {
    if (tally != null) {
      tally.add(v);
    }
    out.startField(field, fieldIndex);
    out.addFloat(v);
    out.endField(field, fieldIndex);
  }

  protected final void emitDouble(RecordConsumer out, double v) {
    if (tally != null) {
      tally.add(v);
    }
    out.startField(field, fieldIndex);
    out.addDouble(v);
    out.endField(field, fieldIndex);
  }

  protected final void emitBoolean(RecordConsumer out, boolean v) {
    if (tally != null) {
      tally.add(v);
    }
    out.startField(field, fieldIndex);
    out.addBoolean(v);
    out.endField(field, fieldIndex);
  }

  protected final void emitBinary(RecordConsumer out, Binary v) {
    if (tally != null) {
      tally.add(v);
    }
    out.startField(field, fieldIndex);
    out.addBinary(v);
    out.endField(field, fieldIndex);
  }
}
