package dev.rds2bq.rows;

/**
 * The one JDBC getter a field writer uses on its column. The reader thread calls it and keeps
 * the value, so decoding (on the reader) overlaps encoding (on the writer).
 */
public enum ReadAs {
  NONE,
  INT,
  LONG,
  FLOAT,
  DOUBLE,
  BIG_DECIMAL,
  BYTES,
  STRING,
  /** {@code getObject(LocalDate)}; a value it cannot convert is the source's to classify (zero dates). */
  LOCAL_DATE,
  /** {@code getObject(LocalDateTime)}; likewise. */
  LOCAL_DATE_TIME
}
