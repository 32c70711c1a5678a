package dev.rds2bq.types;

/** A value type as written to Parquet, each with one BigQuery type (see docs/type-mapping.md). */
public enum OutputType {
  BOOLEAN,
  INT32,
  INT64,
  FLOAT,
  DOUBLE,
  /** DECIMAL(p,s): INT32 up to 9 digits, INT64 up to 18, FIXED_LEN_BYTE_ARRAY above. */
  DECIMAL,
  DATE,
  /** A wall-clock date and time with no zone: BigQuery DATETIME. */
  DATETIME,
  /** An instant in UTC: BigQuery TIMESTAMP. */
  TIMESTAMP,
  /** UTF-8 text; also MySQL JSON, as its text (docs/type-mapping.md#json). */
  STRING,
  BYTES
}
