package dev.rds2bq.parquet;

/**
 * The one JDBC getter a {@link FieldWriter} uses on its column. The reader thread calls it and keeps
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
  /** {@code getObject(LocalDate)}, keeping the raw text when it throws (zero dates). */
  LOCAL_DATE,
  /** {@code getObject(LocalDateTime)}, keeping the raw text when it throws. */
  LOCAL_DATE_TIME
}
