package dev.rds2bq.source.mysql;

import dev.rds2bq.rows.RowBatch;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * MySQL's dates that are no dates. The connection runs with {@code zeroDateTimeBehavior=EXCEPTION},
 * so a zero date ('0000-00-00', or a zero month or day, which some SQL modes allow) arrives as an
 * exception, as does a date in no calendar ('2023-02-30' under ALLOW_INVALID_DATES). The raw text
 * tells them apart from a real failure.
 */
final class MySqlDates {
  private MySqlDates() {}

  /** What the batch keeps for a value that {@code getObject} could not convert. */
  static Object replace(ResultSet rs, int column, Exception error, Function<SQLException, RuntimeException> translate)
      throws SQLException {
    if (error instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
      throw sql; // the connection failed, not the value
    }
    String raw = rs.getString(column);
    if (raw != null && isZeroDate(raw)) {
      return RowBatch.ZERO_DATE;
    }
    if (raw != null) {
      return RowBatch.INVALID_DATE;
    }
    return RowBatch.failed(error instanceof SQLException sql ? translate.apply(sql) : (RuntimeException) error);
  }

  /** True for '0000-00-00...' and for dates with a zero month or day. */
  static boolean isZeroDate(String raw) {
    if (raw.length() < 10 || raw.charAt(4) != '-' || raw.charAt(7) != '-') {
      return false;
    }
    return raw.startsWith("0000") || raw.startsWith("00", 5) || raw.startsWith("00", 8);
  }
}
