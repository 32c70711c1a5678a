package dev.rds2bq.parquet;

import dev.rds2bq.contract.ColumnReceipt;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.parquet.io.api.Binary;

/**
 * Aggregates one output column's values as its {@link FieldWriter} hands them to Parquet, for the
 * column's {@link ColumnReceipt}. What it keeps is fixed when it is made, from the BigQuery type,
 * so the per-value work is a few compares and adds on primitives: no allocation, except for
 * decimals wider than 18 digits (written as bytes) and the MD5 of a key column's text.
 */
public final class ColumnTally {
  /** How the written value is read back into BigQuery's terms. */
  public enum Kind {
    /** INT32/INT64 written, INT64 loaded. */
    INTEGER,
    /** Unscaled decimal (INT32, INT64 or two's-complement bytes) with {@code scale}; NUMERIC loaded. */
    DECIMAL,
    FLOAT,
    BOOLEAN,
    /** Days since the epoch. */
    DATE,
    /** Microseconds since the epoch of a wall-clock time. */
    DATETIME,
    /** Microseconds since the epoch of an instant. */
    TIMESTAMP,
    /** UTF-8 bytes. */
    TEXT,
    /** Counted only: BYTES, BIGNUMERIC and the like. */
    COUNTED
  }

  private final String column;
  private final String bigQueryType;
  private final Kind kind;
  private final int scale;
  private final boolean summed;
  private final boolean ordered;
  private final MessageDigest md5;
  private final byte[] digest = new byte[16];
  private final byte[] digits = new byte[20];

  private long count;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;
  private long sum;
  private BigInteger overflow = BigInteger.ZERO;
  private double minDouble = Double.POSITIVE_INFINITY;
  private double maxDouble = Double.NEGATIVE_INFINITY;
  private BigInteger minBig;
  private BigInteger maxBig;
  private BigInteger sumBig = BigInteger.ZERO;
  private long bytes;
  private long trues;
  private long nans;
  private long checksum;

  /**
   * @param key whether the column is part of the primary key and written as INT64 or STRING: its
   *     values get the order-independent MD5 checksum
   */
  public ColumnTally(String column, String bigQueryType, Kind kind, int scale, boolean key) {
    this.column = column;
    this.bigQueryType = bigQueryType;
    this.kind = kind;
    this.scale = scale;
    this.summed = kind == Kind.INTEGER || kind == Kind.DECIMAL;
    this.ordered = kind != Kind.BOOLEAN && kind != Kind.TEXT && kind != Kind.COUNTED;
    try {
      this.md5 = key && (kind == Kind.INTEGER || kind == Kind.TEXT) ? MessageDigest.getInstance("MD5") : null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public void add(int v) {
    add((long) v);
  }

  public void add(long v) {
    count++;
    if (!ordered) {
      return;
    }
    if (v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
    if (summed) {
      long s = sum + v;
      if (((sum ^ s) & (v ^ s)) < 0) { // the long overflowed: carry the part so far into the BigInteger
        overflow = overflow.add(BigInteger.valueOf(sum)).add(BigInteger.valueOf(v));
        sum = 0;
      } else {
        sum = s;
      }
    }
    if (md5 != null) {
      checksum ^= md5Prefix(digits, 0, decimal(v));
    }
  }

  public void add(float v) {
    add((double) v);
  }

  public void add(double v) {
    count++;
    if (v != v) {
      nans++; // NaN: counted apart, as the receipt query counts it (BigQuery's MIN and MAX would return it)
      return;
    }
    if (v < minDouble) {
      minDouble = v;
    }
    if (v > maxDouble) {
      maxDouble = v;
    }
  }

  public void add(boolean v) {
    count++;
    if (v) {
      trues++;
    }
  }

  public void add(Binary v) {
    count++;
    if (kind == Kind.TEXT) {
      bytes += v.length();
      if (md5 != null) {
        byte[] b = v.getBytesUnsafe();
        checksum ^= md5Prefix(b, 0, b.length);
      }
    } else if (kind == Kind.DECIMAL) {
      BigInteger unscaled = new BigInteger(v.getBytesUnsafe());
      minBig = minBig == null || unscaled.compareTo(minBig) < 0 ? unscaled : minBig;
      maxBig = maxBig == null || unscaled.compareTo(maxBig) > 0 ? unscaled : maxBig;
      sumBig = sumBig.add(unscaled);
    }
  }

  /** The receipt after {@code rows} rows: the values not counted here were NULL. */
  public ColumnReceipt receipt(long rows) {
    long nulls = rows - count;
    String lo = null;
    String hi = null;
    String total = null;
    if (count > 0) {
      switch (kind) {
        case INTEGER, DECIMAL -> {
          BigInteger s = overflow.add(BigInteger.valueOf(sum)).add(sumBig);
          if (minBig != null) {
            lo = number(minBig);
            hi = number(maxBig);
          } else {
            lo = number(BigInteger.valueOf(min));
            hi = number(BigInteger.valueOf(max));
          }
          total = number(s);
        }
        case FLOAT -> {
          if (count > nans) {
            lo = Double.toString(minDouble);
            hi = Double.toString(maxDouble);
          }
        }
        case DATE -> {
          lo = LocalDate.ofEpochDay(min).toString();
          hi = LocalDate.ofEpochDay(max).toString();
        }
        case DATETIME -> {
          lo = dateTime(min);
          hi = dateTime(max);
        }
        case TIMESTAMP -> {
          lo = Long.toString(min);
          hi = Long.toString(max);
        }
        default -> { }
      }
    }
    return new ColumnReceipt(column, bigQueryType, nulls, lo, hi, total,
        kind == Kind.TEXT ? (Long) bytes : null, kind == Kind.BOOLEAN ? (Long) trues : null,
        md5 != null ? (Long) checksum : null, kind == Kind.FLOAT ? (Long) nans : null);
  }

  private String number(BigInteger unscaled) {
    BigDecimal v = new BigDecimal(unscaled, kind == Kind.DECIMAL ? scale : 0).stripTrailingZeros();
    return v.signum() == 0 ? "0" : v.toPlainString();
  }

  private static String dateTime(long micros) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    String s = t.toLocalDate() + "T" + String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
    return t.getNano() == 0 ? s : s + String.format(".%06d", t.getNano() / 1000);
  }

  /** Writes {@code v}'s decimal text into {@link #digits}, from index 0; returns its length. */
  private int decimal(long v) {
    if (v == Long.MIN_VALUE) {
      byte[] text = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(text, 0, digits, 0, text.length);
      return text.length;
    }
    int len = v < 0 ? 1 : 0;
    long rest = Math.abs(v);
    int n = 1;
    for (long t = rest; t >= 10; t /= 10) {
      n++;
    }
    len += n;
    int at = len;
    do {
      digits[--at] = (byte) ('0' + rest % 10);
      rest /= 10;
    } while (rest > 0);
    if (v < 0) {
      digits[0] = '-';
    }
    return len;
  }

  /**
   * The first 60 bits of the MD5 of the bytes, as GoogleSQL's
   * {@code CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(text)), 1, 15)) AS INT64)} gives them.
   */
  private long md5Prefix(byte[] b, int off, int len) {
    md5.update(b, off, len);
    try {
      md5.digest(digest, 0, 16);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    long first8 = 0;
    for (int i = 0; i < 8; i++) {
      first8 = (first8 << 8) | (digest[i] & 0xff);
    }
    return first8 >>> 4;
  }
}
