package dev.rds2bq.types;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/** An output column's type: the Parquet field it becomes and the BigQuery type that field loads as. */
public record ColumnType(OutputType type, int precision, int scale) {
  /** Decimals up to this many digits travel as INT32, up to the next as INT64 (the Parquet spec's choice). */
  public static final int MAX_INT_DECIMAL_DIGITS = 9;
  public static final int MAX_LONG_DECIMAL_DIGITS = 18;
  /** BigQuery NUMERIC: 29 integer digits, 9 fraction digits. */
  static final int NUMERIC_INTEGER_DIGITS = 29;
  static final int NUMERIC_SCALE = 9;
  /** BigQuery BIGNUMERIC: 38 whole integer digits (76.76 digits in all), 38 fraction digits. */
  public static final int BIGNUMERIC_INTEGER_DIGITS = 38;

  public static ColumnType of(OutputType type) {
    return new ColumnType(type, 0, 0);
  }

  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(OutputType.DECIMAL, precision, scale);
  }

  /** Whether a DECIMAL of this type is written as an unscaled INT32. */
  public boolean decimalFitsInt() {
    return precision <= MAX_INT_DECIMAL_DIGITS;
  }

  /** Whether a DECIMAL of this type is written as an unscaled INT32 or INT64. */
  public boolean decimalFitsLong() {
    return precision <= MAX_LONG_DECIMAL_DIGITS;
  }

  /** Bytes of the two's-complement FIXED_LEN_BYTE_ARRAY that holds {@code precision} digits. */
  public int decimalByteLength() {
    int bytes = 1;
    while (Math.pow(2, 8 * bytes - 1) < Math.pow(10, precision)) {
      bytes++;
    }
    return bytes;
  }

  public Type parquetField(String name) {
    Types.PrimitiveBuilder<PrimitiveType> b;
    switch (type) {
      case BOOLEAN:
        return Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
      case INT32:
        return Types.optional(PrimitiveTypeName.INT32).named(name);
      case INT64:
        return Types.optional(PrimitiveTypeName.INT64).named(name);
      case FLOAT:
        return Types.optional(PrimitiveTypeName.FLOAT).named(name);
      case DOUBLE:
        return Types.optional(PrimitiveTypeName.DOUBLE).named(name);
      case DECIMAL:
        if (decimalFitsInt()) {
          b = Types.optional(PrimitiveTypeName.INT32);
        } else if (decimalFitsLong()) {
          b = Types.optional(PrimitiveTypeName.INT64);
        } else {
          b = Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(decimalByteLength());
        }
        return b.as(LogicalTypeAnnotation.decimalType(scale, precision)).named(name);
      case DATE:
        return Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(name);
      case DATETIME:
        return Types.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(name);
      case TIMESTAMP:
        return Types.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
      case STRING:
        return Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
      case BYTES:
        return Types.optional(PrimitiveTypeName.BINARY).named(name);
      default:
        throw new IllegalStateException(type.name());
    }
  }

  /** The BigQuery column type this field loads as, with decimal_target_types NUMERIC,BIGNUMERIC. */
  public String bigQueryType() {
    switch (type) {
      case BOOLEAN:
        return "BOOL";
      case INT32:
      case INT64:
        return "INT64";
      case FLOAT:
      case DOUBLE:
        return "FLOAT64";
      case DECIMAL:
        return scale <= NUMERIC_SCALE && precision - scale <= NUMERIC_INTEGER_DIGITS ? "NUMERIC" : "BIGNUMERIC";
      case DATE:
        return "DATE";
      case DATETIME:
        return "DATETIME";
      case TIMESTAMP:
        return "TIMESTAMP";
      case STRING:
        return "STRING";
      case BYTES:
        return "BYTES";
      default:
        throw new IllegalStateException(type.name());
    }
  }

  @Override
  public String toString() {
    return type == OutputType.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : type.name();
  }
}
