package dev.rds2bq.mask;

import dev.rds2bq.parquet.FieldWriter;
import dev.rds2bq.parquet.FieldWriters;
import dev.rds2bq.rows.ReadAs;
import dev.rds2bq.rows.Row;
import dev.rds2bq.parquet.Temporals;
import dev.rds2bq.parquet.ZeroDateCounter;
import dev.rds2bq.types.SourceFamily;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Picks the {@link FieldWriter} that applies a column's decision: a kept column gets the writer of
 * its family ({@link FieldWriters}), a masked one a writer of this class. Every masked writer writes
 * only the masked value; there is no path on which an unmasked value of a masked column reaches the
 * consumer. The writers are chosen once per export, so applying the policy costs no lookup per value.
 */
public final class MaskWriters {
  private MaskWriters() {}

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
        return FieldWriters.keep(family, d.column().type(), selectIndex, f, fieldIndex, source, ctx.zeroDates());
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
      this.rawBytes = family.isText() || family == SourceFamily.FORMATTED_TEXT || family == SourceFamily.BINARY
          || family == SourceFamily.GEOMETRY;
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
        v = trimmedLowerCase(v);
      }
      emitBinary(out, Binary.fromConstantByteArray(hasher.hexDigest(v)));
    }
  }

  /**
   * {@code String.trim()} then {@code toLowerCase(Locale.ROOT)}, as UTF-8. ASCII text (most e-mail
   * addresses) is done byte by byte, where both act on single bytes: trim drops bytes up to 0x20 at
   * either end, and the root locale lower-cases only A to Z. Anything else goes through a String.
   */
  static byte[] trimmedLowerCase(byte[] v) {
    for (byte b : v) {
      if (b < 0) {
        return new String(v, StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
      }
    }
    int from = 0;
    int to = v.length;
    while (from < to && v[from] <= ' ') {
      from++;
    }
    while (to > from && v[to - 1] <= ' ') {
      to--;
    }
    byte[] out = new byte[to - from];
    for (int k = 0; k < out.length; k++) {
      byte b = v[from + k];
      out[k] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
    return out;
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
      byte[] domain = hostname(v);
      if (domain != null) {
        emitBinary(out, Binary.fromConstantByteArray(domain));
      }
    }

    /**
     * The host name after the last {@code @}, lower-cased, or null. It is the run of
     * {@code [A-Za-z0-9.-]} that follows the {@code @} (one trailing dot dropped), and it must be a
     * host name: labels of 1-63 letters, digits and inner hyphens, at least two of them, and a
     * top-level label of letters (or {@code xn--} punycode). Anything else in the value, a display
     * name, a comment, a phone number glued to the domain, an IP literal, is never written.
     */
    static byte[] hostname(byte[] v) {
      int at = -1;
      for (int k = v.length - 1; k >= 0; k--) {
        if (v[k] == '@') {
          at = k;
          break;
        }
      }
      if (at < 0) {
        return null;
      }
      int start = at + 1;
      int end = start;
      while (end < v.length && hostByte(v[end])) {
        end++;
      }
      if (end > start && v[end - 1] == '.') {
        end--;
      }
      int n = end - start;
      if (n < 4 || n > 253) {
        return null;
      }
      int labelStart = start;
      int dots = 0;
      for (int k = start; k <= end; k++) {
        if (k < end && v[k] != '.') {
          continue;
        }
        int len = k - labelStart;
        if (len == 0 || len > 63 || v[labelStart] == '-' || v[k - 1] == '-') {
          return null;
        }
        if (k < end) {
          dots++;
          labelStart = k + 1;
        }
      }
      if (dots == 0 || !topLevel(v, labelStart, end)) {
        return null;
      }
      byte[] domain = new byte[n];
      for (int k = 0; k < n; k++) {
        byte b = v[start + k];
        domain[k] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
      }
      return domain;
    }

    private static boolean hostByte(byte b) {
      return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '.' || b == '-';
    }

    /** Letters only, at least two, or punycode ({@code xn--...}). */
    private static boolean topLevel(byte[] v, int from, int to) {
      if (to - from > 4 && (v[from] | 32) == 'x' && (v[from + 1] | 32) == 'n' && v[from + 2] == '-' && v[from + 3] == '-') {
        return true;
      }
      if (to - from < 2) {
        return false;
      }
      for (int k = from; k < to; k++) {
        int c = v[k] | 32;
        if (c < 'a' || c > 'z') {
          return false;
        }
      }
      return true;
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

  static LocalDate readDate(Row rs, int col, boolean dateOnly, String source, ZeroDateCounter zeros)
      throws SQLException {
    if (dateOnly) {
      return Temporals.date(rs, col, source, zeros);
    }
    LocalDateTime t = Temporals.dateTime(rs, col, source, zeros);
    return t == null ? null : t.toLocalDate();
  }
}
