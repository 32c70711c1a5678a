package dev.rds2bq.parquet;

import dev.rds2bq.rows.Row;
import dev.rds2bq.rows.ReadAs;
import dev.rds2bq.types.ColumnType;
import dev.rds2bq.types.OutputType;
import dev.rds2bq.types.SourceFamily;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * The {@link FieldWriter}s of columns kept as they are: one per value family, each copying the value
 * into its Parquet type with no decoding it does not need. The writers of masked columns, and the
 * choice between them and these, are the masking's ({@code dev.rds2bq.mask.MaskWriters}).
 */
public final class FieldWriters {
  private FieldWriters() {}

  /**
   * The writer of a column kept as it is: its family decides how the value is read, its type what is
   * written.
   *
   * @param c 1-based index in the SELECT list
   * @param f the output field's name, {@code i} its index in the Parquet schema
   * @param source the source column's name, for messages
   */
  public static FieldWriter keep(SourceFamily family, ColumnType type, int c, String f, int i, String source,
      ZeroDateCounter zeros) {
    switch (family) {
      case INT:
      case YEAR:
        return new Int32(c, f, i);
      case LONG:
        return new Int64(c, f, i);
      case UNSIGNED_BIGINT:
        // An unsigned BIGINT is a DECIMAL(20,0): the same fixed-length two's complement.
        return new DecimalFixed(c, f, i, 0, type.decimalByteLength());
      case DECIMAL:
        if (type.type() == OutputType.STRING) {
          return new DecimalText(c, f, i);
        }
        if (type.decimalFitsInt()) {
          return new DecimalInt(c, f, i, type.scale());
        }
        return type.decimalFitsLong() ? new DecimalLong(c, f, i, type.scale())
            : new DecimalFixed(c, f, i, type.scale(), type.decimalByteLength());
      case FLOAT:
        return new Float32(c, f, i);
      case DOUBLE:
        return new Float64(c, f, i);
      case BIT_BOOLEAN:
        return new BitBoolean(c, f, i);
      case BOOLEAN:
        return new IntBoolean(c, f, i);
      case BITS:
        return new Bits(c, f, i);
      case BITS64:
        return new Bits64(c, f, i, type.decimalByteLength());
      case DATE:
        return new DateDays(c, f, i, source, zeros);
      case DATETIME:
      case TIMESTAMP:
        return new DateTimeMicros(c, f, i, source, zeros);
      case TIME:
        return new TimeText(c, f, i);
      case TEXT:
      case JSON:
      case FORMATTED_TEXT:
      case BINARY:
        return new RawBytes(c, f, i);
      case GEOMETRY:
        return new GeometryWkb(c, f, i);
      default:
        throw new IllegalStateException("no writer for " + family);
    }
  }

  // ---- kept values -------------------------------------------------------------------------------

  static final class Int32 extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.INT;
    }

    Int32(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      int v = rs.getInt(column);
      if (v == 0 && rs.wasNull()) {
        return;
      }
      emitInt(out, v);
    }
  }

  static final class Int64 extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.LONG;
    }

    Int64(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      long v = rs.getLong(column);
      if (v == 0 && rs.wasNull()) {
        return;
      }
      emitLong(out, v);
    }
  }

  static final class Float32 extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.FLOAT;
    }

    Float32(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      float v = rs.getFloat(column);
      if (v == 0 && rs.wasNull()) {
        return;
      }
      emitFloat(out, v);
    }
  }

  static final class Float64 extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.DOUBLE;
    }

    Float64(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      double v = rs.getDouble(column);
      if (v == 0 && rs.wasNull()) {
        return;
      }
      emitDouble(out, v);
    }
  }

  /** A decimal wider than BIGNUMERIC, as its exact plain text. */
  static final class DecimalText extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BIG_DECIMAL;
    }

    DecimalText(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      BigDecimal v = rs.getBigDecimal(column);
      if (v == null) {
        return;
      }
      emitBinary(out, utf8(v.toPlainString()));
    }
  }

  /** DECIMAL(p ≤ 9, s) as its unscaled value in an INT32. */
  static final class DecimalInt extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BIG_DECIMAL;
    }

    private final int scale;

    DecimalInt(int c, String f, int i, int scale) {
      super(c, f, i);
      this.scale = scale;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      BigDecimal v = rs.getBigDecimal(column);
      if (v == null) {
        return;
      }
      emitInt(out, Math.toIntExact(unscaled(v, scale)));
    }
  }

  /** DECIMAL(10 ≤ p ≤ 18, s) as its unscaled value in an INT64. */
  static final class DecimalLong extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BIG_DECIMAL;
    }

    private final int scale;

    DecimalLong(int c, String f, int i, int scale) {
      super(c, f, i);
      this.scale = scale;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      BigDecimal v = rs.getBigDecimal(column);
      if (v == null) {
        return;
      }
      emitLong(out, unscaled(v, scale));
    }
  }

  static final class DecimalFixed extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BIG_DECIMAL;
    }

    private final int scale;
    private final int length;

    DecimalFixed(int c, String f, int i, int scale, int length) {
      super(c, f, i);
      this.scale = scale;
      this.length = length;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      BigDecimal v = rs.getBigDecimal(column);
      if (v == null) {
        return;
      }
      BigInteger unscaled = (v.scale() == scale ? v : v.setScale(scale)).unscaledValue();
      emitBinary(out, Binary.fromConstantByteArray(twosComplement(unscaled, length)));
    }
  }

  static final class BitBoolean extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BYTES;
    }

    BitBoolean(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      byte[] v = rs.getBytes(column);
      if (v == null) {
        return;
      }
      emitBoolean(out, unsignedBits(v) != 0);
    }
  }

  /** A boolean the source selects as 1 or 0. */
  static final class IntBoolean extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.INT;
    }

    IntBoolean(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      int v = rs.getInt(column);
      if (v == 0 && rs.wasNull()) {
        return;
      }
      emitBoolean(out, v != 0);
    }
  }

  static final class Bits extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BYTES;
    }

    Bits(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      byte[] v = rs.getBytes(column);
      if (v == null) {
        return;
      }
      emitLong(out, unsignedBits(v));
    }
  }

  static final class Bits64 extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BYTES;
    }

    private final int length;

    Bits64(int c, String f, int i, int length) {
      super(c, f, i);
      this.length = length;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      byte[] v = rs.getBytes(column);
      if (v == null) {
        return;
      }
      emitBinary(out, Binary.fromConstantByteArray(twosComplement(new BigInteger(1, v), length)));
    }
  }

  static final class DateDays extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.LOCAL_DATE;
    }

    private final String source;
    private final ZeroDateCounter zeros;

    DateDays(int c, String f, int i, String source, ZeroDateCounter zeros) {
      super(c, f, i);
      this.source = source;
      this.zeros = zeros;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      LocalDate v = Temporals.date(rs, column, source, zeros);
      if (v == null) {
        return;
      }
      emitInt(out, (int) v.toEpochDay());
    }
  }

  /** DATETIME and TIMESTAMP: the session runs in UTC, so both arrive as UTC wall-clock values. */
  static final class DateTimeMicros extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.LOCAL_DATE_TIME;
    }

    private final String source;
    private final ZeroDateCounter zeros;

    DateTimeMicros(int c, String f, int i, String source, ZeroDateCounter zeros) {
      super(c, f, i);
      this.source = source;
      this.zeros = zeros;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      LocalDateTime v = Temporals.dateTime(rs, column, source, zeros);
      if (v == null) {
        return;
      }
      emitLong(out, Temporals.micros(v));
    }
  }

  /** TIME spans -838:59:59 to 838:59:59, beyond BigQuery TIME: kept as its exact text. */
  static final class TimeText extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.STRING;
    }

    TimeText(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      String v = rs.getString(column);
      if (v == null) {
        return;
      }
      emitBinary(out, utf8(v));
    }
  }

  /** Text arrives as UTF-8 (character_set_results is utf8mb4) and is written without decoding. */
  static final class RawBytes extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BYTES;
    }

    RawBytes(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      byte[] v = rs.getBytes(column);
      if (v == null) {
        return;
      }
      emitBinary(out, Binary.fromConstantByteArray(v));
    }
  }

  /** MySQL stores geometry as a 4-byte SRID followed by WKB; BigQuery reads WKB. */
  static final class GeometryWkb extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BYTES;
    }

    GeometryWkb(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      byte[] v = rs.getBytes(column);
      if (v == null) {
        return;
      }
      emitBinary(out, Binary.fromConstantByteArray(v, 4, v.length - 4));
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /**
   * The unscaled value of a decimal at the column's scale, exactly (a value that needs rounding or
   * does not fit throws ArithmeticException). Scaling by a power of ten leaves a decimal of scale 0
   * whose long value is read without a BigInteger, which {@code unscaledValue()} would create.
   */
  static long unscaled(BigDecimal v, int scale) {
    return (v.scale() == scale ? v : v.setScale(scale)).scaleByPowerOfTen(scale).longValueExact();
  }

  /** BIT(n) arrives big-endian in ceil(n/8) bytes. */
  static long unsignedBits(byte[] v) {
    long r = 0;
    for (byte b : v) {
      r = (r << 8) | (b & 0xff);
    }
    return r;
  }

  /** Big-endian two's complement, sign-extended to {@code length} bytes (Parquet FIXED_LEN_BYTE_ARRAY decimal). */
  static byte[] twosComplement(BigInteger v, int length) {
    byte[] raw = v.toByteArray();
    if (raw.length > length) {
      throw new ArithmeticException("value " + v + " needs " + raw.length + " bytes, the column has " + length);
    }
    byte[] out = new byte[length];
    byte pad = (byte) (v.signum() < 0 ? 0xff : 0);
    int offset = length - raw.length;
    for (int k = 0; k < offset; k++) {
      out[k] = pad;
    }
    System.arraycopy(raw, 0, out, offset, raw.length);
    return out;
  }
}
