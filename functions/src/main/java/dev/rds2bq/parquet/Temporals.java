package dev.rds2bq.parquet;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads DATE, DATETIME and TIMESTAMP values. The connection runs with zeroDateTimeBehavior=EXCEPTION,
 * so a zero date ('0000-00-00', or a zero month or day) arrives as an exception; this class tells it
 * from a real failure by looking at the raw text, and hands it to the zero-date policy.
 */
public final class Temporals {
  private Temporals() {}

  /** The date, or null for SQL NULL or a zero date that the policy turned into NULL. */
  public static LocalDate date(Row rs, int col, String column, ZeroDateCounter zeros) throws SQLException {
    return read(rs, col, LocalDate.class, LocalDate::getYear, column, zeros);
  }

  public static LocalDateTime dateTime(Row rs, int col, String column, ZeroDateCounter zeros) throws SQLException {
    return read(rs, col, LocalDateTime.class, LocalDateTime::getYear, column, zeros);
  }

  private static <T> T read(Row rs, int col, Class<T> type, java.util.function.ToIntFunction<T> year, String column,
      ZeroDateCounter zeros) throws SQLException {
    T v;
    try {
      v = rs.getObject(col, type);
    } catch (SQLException | RuntimeException e) {
      return zeroOrRethrow(rs, col, column, zeros, e);
    }
    if (v != null && year.applyAsInt(v) < 1) {
      // MySQL keeps '0000-01-01'; BigQuery starts at 0001-01-01.
      zeros.zeroDate(column);
      return null;
    }
    return v;
  }

  /** Microseconds since the epoch of a wall-clock value read as UTC. */
  static long micros(LocalDateTime t) {
    return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
  }

  private static <T> T zeroOrRethrow(Row rs, int col, String column, ZeroDateCounter zeros, Exception e)
      throws SQLException {
    String raw;
    try {
      raw = rs.getString(col);
    } catch (SQLException second) {
      e.addSuppressed(second);
      raw = null;
    }
    if (raw != null && isZeroDate(raw)) {
      zeros.zeroDate(column);
      return null;
    }
    if (raw != null && !(e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))) {
      zeros.invalidDate(column);
    }
    if (e instanceof SQLException sql) {
      throw sql;
    }
    throw (RuntimeException) e;
  }

  /** True for '0000-00-00...' and for dates with a zero month or day, which MySQL allows in some modes. */
  static boolean isZeroDate(String raw) {
    if (raw.length() < 10 || raw.charAt(4) != '-' || raw.charAt(7) != '-') {
      return false;
    }
    return raw.startsWith("0000") || raw.startsWith("00", 5) || raw.startsWith("00", 8);
  }
}
