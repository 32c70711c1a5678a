package dev.rds2bq.types;

/**
 * How a column's values are read from JDBC and in what form they arrive: the part of the shared
 * column model that picks a kept column's writer. Each family has one natural {@link ColumnType}. A
 * source maps its types onto the family whose form its values have, or a new source adds the family
 * its values need, with its writer (docs/sources.md).
 */
public enum SourceFamily {
  /** {@code getInt}. */
  INT,
  /** {@code getLong}. */
  LONG,
  /** An unsigned 64-bit integer, as {@code getBigDecimal}: written as DECIMAL(20,0). */
  UNSIGNED_BIGINT,
  DECIMAL,
  FLOAT,
  DOUBLE,
  /** One bit, as big-endian bytes. */
  BIT_BOOLEAN,
  /** Up to 63 bits, as big-endian bytes. */
  BITS,
  /** 64 bits, as big-endian bytes: written as DECIMAL(20,0). */
  BITS64,
  /** A calendar date; the source marks the ones BigQuery cannot hold ({@code RowBatch.ZERO_DATE}). */
  DATE,
  /** A wall-clock date and time without zone. */
  DATETIME,
  /** An instant, read as its UTC wall-clock value. */
  TIMESTAMP,
  /** A time of day or a duration beyond 24 hours, as its text. */
  TIME,
  YEAR,
  /** Text, as the connection's UTF-8 bytes. */
  TEXT,
  /**
   * A value kept as the exact text the source prints for it, as the connection's UTF-8 bytes: not
   * free text (a UUID, a bit string, a range, a number no decimal type holds), so the value scan
   * skips it.
   */
  FORMATTED_TEXT,
  /** A boolean read as the integer 1 or 0. */
  BOOLEAN,
  /** JSON text, as the connection's UTF-8 bytes. */
  JSON,
  BINARY,
  /** MySQL's internal geometry: a 4-byte SRID, then the WKB that BigQuery reads. */
  GEOMETRY;

  public boolean isTemporal() {
    return this == DATE || this == DATETIME || this == TIMESTAMP;
  }

  /** Values read as the connection's UTF-8 text bytes, with no decoding. */
  public boolean isText() {
    return this == TEXT || this == JSON;
  }
}
