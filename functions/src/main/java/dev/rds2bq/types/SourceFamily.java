package dev.rds2bq.types;

/** How a MySQL column is read from JDBC. Each family has one natural {@link ColumnType}. */
public enum SourceFamily {
  INT,
  LONG,
  UNSIGNED_BIGINT,
  DECIMAL,
  FLOAT,
  DOUBLE,
  BIT_BOOLEAN,
  BITS,
  BITS64,
  DATE,
  DATETIME,
  TIMESTAMP,
  TIME,
  YEAR,
  TEXT,
  JSON,
  BINARY,
  GEOMETRY;

  public boolean isTemporal() {
    return this == DATE || this == DATETIME || this == TIMESTAMP;
  }

  /** Values read as the connection's UTF-8 text bytes, with no decoding. */
  public boolean isText() {
    return this == TEXT || this == JSON;
  }
}
