package dev.rds2bq.source.mysql;

/**
 * One column as MySQL's information_schema.COLUMNS describes it, before it is mapped onto the shared
 * column model ({@link MySqlTypes#column}). {@code dataType} is lower case ({@code int},
 * {@code varchar}, ...); {@code columnType} is the full declaration ({@code int(10) unsigned}).
 * {@code generationExpression} is the expression of a generated column, null for a stored one.
 */
public record MySqlColumn(
    String name,
    int ordinal,
    String dataType,
    String columnType,
    boolean nullable,
    long precision,
    int scale,
    int datetimePrecision,
    String charset,
    String comment,
    boolean json,
    String generationExpression) {

  public MySqlColumn(String name, int ordinal, String dataType, String columnType, boolean nullable, long precision,
      int scale, int datetimePrecision, String charset, String comment, boolean json) {
    this(name, ordinal, dataType, columnType, nullable, precision, scale, datetimePrecision, charset, comment, json,
        null);
  }

  public boolean unsigned() {
    return columnType.contains("unsigned");
  }

  /** The bit width of a BIT(n) column, 1 to 64. */
  public int bitWidth() {
    return (int) precision;
  }
}
