package dev.rds2bq.parquet;

import dev.rds2bq.rows.Row;
import dev.rds2bq.rows.RowBatch;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads DATE, DATETIME and TIMESTAMP values and applies the zero-date policy to the ones BigQuery
 * cannot hold: those the source marked ({@link RowBatch#ZERO_DATE}, {@link RowBatch#INVALID_DATE}),
 * and years before 1 or after 9999 (BigQuery holds 0001-01-01 to 9999-12-31; MySQL keeps
 * '0000-01-01', PostgreSQL BC dates, dates up to 5874897 and ±infinity, which its driver gives as
 * the largest and smallest Java dates).
 */
public final class Temporals {
  private Temporals() {}

  /** The date, or null for SQL NULL or a zero date that the policy turned into NULL. */
  public static LocalDate date(Row rs, int col, String column, ZeroDateCounter zeros) {
    return read(rs, col, LocalDate.class, LocalDate::getYear, column, zeros);
  }

  public static LocalDateTime dateTime(Row rs, int col, String column, ZeroDateCounter zeros) {
    return read(rs, col, LocalDateTime.class, LocalDateTime::getYear, column, zeros);
  }

  private static <T> T read(Row rs, int col, Class<T> type, java.util.function.ToIntFunction<T> year, String column,
      ZeroDateCounter zeros) {
    Object v = rs.getTemporal(col);
    if (v == null) {
      return null;
    }
    if (v == RowBatch.ZERO_DATE) {
      zeros.zeroDate(column);
      return null;
    }
    if (v == RowBatch.INVALID_DATE) {
      zeros.invalidDate(column);
      return null;
    }
    T t = type.cast(v);
    int y = year.applyAsInt(t);
    if (y < 1 || y > 9999) {
      zeros.zeroDate(column);
      return null;
    }
    return t;
  }

  /** Microseconds since the epoch of a wall-clock value read as UTC. */
  static long micros(LocalDateTime t) {
    return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
  }
}
