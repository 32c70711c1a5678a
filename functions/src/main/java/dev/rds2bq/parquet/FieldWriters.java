package dev.rds2bq.parquet;

import dev.rds2bq.mask.ColumnDecision;
import dev.rds2bq.mask.MaskKind;
import dev.rds2bq.mask.MaskRule;
import dev.rds2bq.types.ColumnType;
import dev.rds2bq.types.SourceFamily;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Picks the {@link FieldWriter} for a column decision: the family decides how the value is read, the
 * mask what is written. Every masked writer writes only the masked value; there is no path on which
 * an unmasked value of a masked column reaches the consumer.
 */
public final class FieldWriters {
  private FieldWriters() {}

  /** What a writer may need besides its column. */
  public record Context(LocalDate runDate, Supplier<HmacHasher> hasher, ZeroDateCounter zeroDates) {}

  /**
   * @param selectIndex 1-based index in the SELECT list, or 0 when the column is not selected at all
   *     (a redaction to NULL needs no value)
   */
  public static FieldWriter create(ColumnDecision d, int selectIndex, int fieldIndex, Context ctx) {
    String f = d.outputName();
    MaskRule rule = d.rule();
    SourceFamily family = d.column().family();
    String source = d.sourceName();
    switch (rule.kind()) {
      case KEEP:
        return keep(family, d.column().type(), selectIndex, f, fieldIndex, source, ctx);
      case HASH:
        return new Hash(selectIndex, f, fieldIndex, family, rule.lowercase(), ctx.hasher().get());
      case AGE_BAND:
        return new AgeBand(selectIndex, f, fieldIndex, family, source, ctx);
      case YEAR:
      case YEAR_MONTH:
        return new TruncateDate(selectIndex, f, fieldIndex, family, rule.kind() == MaskKind.YEAR, source, ctx);
      case EMAIL_DOMAIN:
        return new EmailDomain(selectIndex, f, fieldIndex);
      case REDACT:
        return rule.constant() == null
            ? new AlwaysNull(f, fieldIndex)
            : new Constant(selectIndex, f, fieldIndex, rule.constant());
      default:
        throw new IllegalStateException("no writer for " + rule.kind());
    }
  }

  /** Whether the column must be in the SELECT list. */
  public static boolean needsValue(ColumnDecision d) {
    return !d.dropped() && !(d.rule().kind() == MaskKind.REDACT && d.rule().constant() == null);
  }

  private static FieldWriter keep(SourceFamily family, ColumnType type, int c, String f, int i, String source,
      Context ctx) {
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
        if (type.type() == dev.rds2bq.types.OutputType.STRING) {
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
      case BITS:
        return new Bits(c, f, i);
      case BITS64:
        return new Bits64(c, f, i, type.decimalByteLength());
      case DATE:
        return new DateDays(c, f, i, source, ctx.zeroDates());
      case DATETIME:
      case TIMESTAMP:
        return new DateTimeMicros(c, f, i, source, ctx.zeroDates());
      case TIME:
        return new TimeText(c, f, i);
      case TEXT:
      case JSON:
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
      int unscaled = (v.scale() == scale ? v : v.setScale(scale)).unscaledValue().intValueExact();
      emitInt(out, unscaled);
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
      long unscaled = v.scale() == scale ? v.unscaledValue().longValueExact()
          : v.setScale(scale).unscaledValue().longValueExact();
      emitLong(out, unscaled);
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

  // ---- masked values -----------------------------------------------------------------------------

  static final class Hash extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return rawBytes ? ReadAs.BYTES : ReadAs.STRING;
    }

    private final boolean rawBytes;
    private final boolean lowercase;
    private final HmacHasher hasher;

    Hash(int c, String f, int i, SourceFamily family, boolean lowercase, HmacHasher hasher) {
      super(c, f, i);
      this.rawBytes = family.isText() || family == SourceFamily.BINARY || family == SourceFamily.GEOMETRY;
      this.lowercase = lowercase;
      this.hasher = hasher;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      byte[] v;
      if (rawBytes) {
        v = rs.getBytes(column);
      } else {
        String s = rs.getString(column);
        v = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
      }
      if (v == null) {
        return;
      }
      if (lowercase) {
        v = new String(v, StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      }
      emitBinary(out, Binary.fromConstantByteArray(hasher.hexDigest(v)));
    }
  }

  /** Age at the run date in decades: "0s", "10s", ... up to "190s". A birthday after the run date is NULL. */
  static final class AgeBand extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return dateOnly ? ReadAs.LOCAL_DATE : ReadAs.LOCAL_DATE_TIME;
    }

    private static final Binary[] BANDS = new Binary[20];

    static {
      for (int i = 0; i < BANDS.length; i++) {
        BANDS[i] = utf8(i * 10 + "s");
      }
    }

    private final boolean dateOnly;
    private final String source;
    private final Context ctx;

    AgeBand(int c, String f, int i, SourceFamily family, String source, Context ctx) {
      super(c, f, i);
      this.dateOnly = family == SourceFamily.DATE;
      this.source = source;
      this.ctx = ctx;
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      LocalDate birthday = readDate(rs, column, dateOnly, source, ctx.zeroDates());
      if (birthday == null) {
        return;
      }
      int age = ageOn(birthday, ctx.runDate());
      if (age < 0) {
        return;
      }
      emitBinary(out, BANDS[Math.min(age / 10, BANDS.length - 1)]);
    }

    static int ageOn(LocalDate birthday, LocalDate day) {
      int age = day.getYear() - birthday.getYear();
      if (day.getMonthValue() < birthday.getMonthValue()
          || (day.getMonthValue() == birthday.getMonthValue() && day.getDayOfMonth() < birthday.getDayOfMonth())) {
        age--;
      }
      return age;
    }
  }

  static final class TruncateDate extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return dateOnly ? ReadAs.LOCAL_DATE : ReadAs.LOCAL_DATE_TIME;
    }

    private final boolean dateOnly;
    private final boolean toYear;
    private final String source;
    private final ZeroDateCounter zeros;

    TruncateDate(int c, String f, int i, SourceFamily family, boolean toYear, String source, Context ctx) {
      super(c, f, i);
      this.dateOnly = family == SourceFamily.DATE;
      this.toYear = toYear;
      this.source = source;
      this.zeros = ctx.zeroDates();
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      LocalDate d = readDate(rs, column, dateOnly, source, zeros);
      if (d == null) {
        return;
      }
      LocalDate t = toYear ? LocalDate.of(d.getYear(), 1, 1) : d.withDayOfMonth(1);
      emitInt(out, (int) t.toEpochDay());
    }
  }

  /** The part after the last '@', lower-cased; a value without one is NULL, never the raw value. */
  static final class EmailDomain extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.BYTES;
    }

    EmailDomain(int c, String f, int i) {
      super(c, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      byte[] v = rs.getBytes(column);
      if (v == null) {
        return;
      }
      int at = -1;
      for (int k = v.length - 1; k >= 0; k--) {
        if (v[k] == '@') {
          at = k;
          break;
        }
      }
      int start = at + 1;
      int end = v.length;
      while (end > start && (v[end - 1] == ' ' || v[end - 1] == '>')) {
        end--;
      }
      if (at < 0 || end == start) {
        return;
      }
      byte[] domain = new byte[end - start];
      for (int k = 0; k < domain.length; k++) {
        byte b = v[start + k];
        domain[k] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
      }
      emitBinary(out, Binary.fromConstantByteArray(domain));
    }
  }

  /** Replaces every non-NULL value with the constant. */
  static final class Constant extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.STRING;
    }

    private final Binary constant;

    Constant(int c, String f, int i, String constant) {
      super(c, f, i);
      this.constant = utf8(constant);
    }

    @Override
    public void write(Row rs, RecordConsumer out) throws SQLException {
      // getString, not getObject: it does not convert, so zero dates and TIME beyond 24 h pass.
      if (rs.getString(column) == null) {
        return;
      }
      emitBinary(out, constant);
    }
  }

  static final class AlwaysNull extends FieldWriter {
    @Override
    public ReadAs readAs() {
      return ReadAs.NONE;
    }

    AlwaysNull(String f, int i) {
      super(0, f, i);
    }

    @Override
    public void write(Row rs, RecordConsumer out) {}
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /**
   * Text as an array-backed Binary. {@code Binary.fromString} makes a ByteBuffer-backed one, whose
   * equals() is several times slower in the dictionary lookups that repeated values go through.
   */
  static Binary utf8(String s) {
    return Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
  }

  static LocalDate readDate(Row rs, int col, boolean dateOnly, String source, ZeroDateCounter zeros)
      throws SQLException {
    if (dateOnly) {
      return Temporals.date(rs, col, source, zeros);
    }
    LocalDateTime t = Temporals.dateTime(rs, col, source, zeros);
    return t == null ? null : t.toLocalDate();
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
