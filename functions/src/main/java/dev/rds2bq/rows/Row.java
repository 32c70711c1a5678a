package dev.rds2bq.rows;

import java.math.BigDecimal;
import java.sql.SQLException;

/**
 * The current row as a field writer sees it: the few getters of {@link java.sql.ResultSet} that the
 * writers use, with the same meaning (1-based columns, {@link #wasNull()} after a primitive getter).
 * {@link RowBatch} serves it from values the reader thread already decoded.
 */
public interface Row {
  int getInt(int column) throws SQLException;

  long getLong(int column) throws SQLException;

  float getFloat(int column) throws SQLException;

  double getDouble(int column) throws SQLException;

  boolean wasNull();

  byte[] getBytes(int column) throws SQLException;

  String getString(int column) throws SQLException;

  BigDecimal getBigDecimal(int column) throws SQLException;

  /**
   * A {@code LocalDate} or {@code LocalDateTime} (per the column's getter), null, or one of
   * {@link RowBatch#ZERO_DATE} and {@link RowBatch#INVALID_DATE} for a value BigQuery cannot hold.
   */
  Object getTemporal(int column);
}
