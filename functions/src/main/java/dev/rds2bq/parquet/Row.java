package dev.rds2bq.parquet;

import java.math.BigDecimal;
import java.sql.SQLException;

/**
 * The current row as a {@link FieldWriter} sees it: the few getters of {@link java.sql.ResultSet}
 * that the writers use, with the same meaning (1-based columns, {@link #wasNull()} after a
 * primitive getter). {@link RowBatch} serves it from values the reader thread already decoded.
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

  <T> T getObject(int column, Class<T> type) throws SQLException;
}
