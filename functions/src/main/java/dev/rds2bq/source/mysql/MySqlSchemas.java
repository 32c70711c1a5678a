package dev.rds2bq.source.mysql;

import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.TableSize;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads databases and table shapes from MySQL's information_schema, on the connection it is given
 * (a catalog's, or a snapshot's); every name from a request is a bound parameter here. Columns come
 * out in the shared model, mapped by {@link MySqlTypes}.
 */
final class MySqlSchemas {
  private static final Pattern MARIADB_JSON_CHECK =
      Pattern.compile("json_valid\\(`((?:[^`]|``)+)`\\)", Pattern.CASE_INSENSITIVE);

  private final Connection connection;

  MySqlSchemas(Connection connection) {
    this.connection = connection;
  }

  /**
   * The base tables of a database, sorted by name, with the optimizer's estimates of their rows and
   * data bytes ({@code TABLE_ROWS}, {@code DATA_LENGTH}). An unknown database is an error naming it.
   */
  List<TableSize> tables(String database) throws SQLException {
    requireDatabase(database);
    List<TableSize> tables = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT TABLE_NAME, COALESCE(TABLE_ROWS, 0),"
        + " COALESCE(DATA_LENGTH, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'"
        + " ORDER BY TABLE_NAME")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(new TableSize(rs.getString(1), rs.getLong(2), rs.getLong(3)));
        }
      }
    }
    return tables;
  }

  TableSchema read(String database, String table) throws SQLException {
    String comment = tableComment(database, table);
    if (comment == null) {
      List<String> known = tables(database).stream().map(TableSize::name).toList();
      throw new InvalidInputException("table '" + database + "." + table + "' is not a base table of database '"
          + database + "'; its base tables are: " + abbreviate(known));
    }
    Set<String> jsonColumns = mariaDbJsonColumns(database, table);
    List<SourceColumn> columns = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, NUMERIC_PRECISION,"
            + " NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, COLUMN_COMMENT, GENERATION_EXPRESSION, EXTRA"
            + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String dataType = rs.getString(3).toLowerCase(Locale.ROOT);
          String extra = rs.getString(12) == null ? "" : rs.getString(12).toUpperCase(Locale.ROOT);
          // DEFAULT_GENERATED (MySQL 8: an expression default) is not a generated column.
          boolean generated = extra.contains("VIRTUAL") || extra.contains("STORED") || extra.contains("PERSISTENT");
          String expression = generated && rs.getString(11) != null && !rs.getString(11).isEmpty() ? rs.getString(11) : null;
          columns.add(MySqlTypes.column(new MySqlColumn(
              name,
              rs.getInt(2),
              dataType,
              rs.getString(4).toLowerCase(Locale.ROOT),
              "YES".equals(rs.getString(5)),
              rs.getLong(6),
              rs.getInt(7),
              rs.getInt(8),
              rs.getString(9),
              rs.getString(10),
              "json".equals(dataType) || jsonColumns.contains(name),
              expression)));
        }
      }
    }
    return new TableSchema(database, table, comment, columns, primaryKey(database, table));
  }

  private void requireDatabase(String database) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new InvalidInputException("database '" + database + "' does not exist on the source"
              + " (or the login cannot see it); check the database name in the request and config");
        }
      }
    }
  }

  private String tableComment(String database, String table) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT TABLE_COMMENT FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'")) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? (rs.getString(1) == null ? "" : rs.getString(1)) : null;
      }
    }
  }

  private List<String> primaryKey(String database, String table) throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    return key;
  }

  /**
   * MariaDB stores JSON as LONGTEXT with a json_valid() check; MySQL reports DATA_TYPE json. Reading
   * the check keeps the JSON type on MariaDB too. Asked of MariaDB only (MySQL's CHECK_CONSTRAINTS has
   * no TABLE_NAME), and a failure is an error like any other catalog query's, not a silent "no JSON".
   */
  private Set<String> mariaDbJsonColumns(String database, String table) throws SQLException {
    Set<String> names = new HashSet<>();
    if (!connection.getMetaData().getDatabaseProductVersion().contains("MariaDB")) {
      return names;
    }
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
      ps.setString(1, database);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Matcher m = MARIADB_JSON_CHECK.matcher(rs.getString(1));
          if (m.matches()) {
            names.add(m.group(1).replace("``", "`"));
          }
        }
      }
    }
    return names;
  }

  static String abbreviate(List<String> names) {
    if (names.isEmpty()) {
      return "(none)";
    }
    int shown = Math.min(names.size(), 50);
    String list = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? list + ", ... (" + names.size() + " in all)" : list;
  }
}
