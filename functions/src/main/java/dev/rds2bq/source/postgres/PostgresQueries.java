package dev.rds2bq.source.postgres;

import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SQL of a table or key range, shared by the export and by publish's source count: one
 * definition of a range. Bounds are parameters cast to the key column's own type, so the server
 * compares them as that type (numerically, by uuid, or in the column's collation for text), as the
 * split points were ordered.
 */
final class PostgresQueries {
  private PostgresQueries() {}

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String table(TableSchema schema) {
    return quote(schema.database()) + "." + quote(schema.table());
  }

  /** {@code SELECT <expressions> FROM <table> [WHERE <range>]}; each column selected in its family's form. */
  static String select(TableSchema schema, Map<String, PostgresColumn> described, List<String> columns,
      KeyRange range) {
    StringBuilder sql = new StringBuilder("SELECT ");
    if (columns.isEmpty()) {
      sql.append('1');
    }
    for (int i = 0; i < columns.size(); i++) {
      PostgresColumn c = column(schema, described, columns.get(i));
      sql.append(i == 0 ? "" : ", ").append(PostgresTypes.map(c.type(), 2).select(quote(c.name())));
    }
    sql.append(" FROM ").append(table(schema)).append(where(schema, range));
    return sql.toString();
  }

  static String count(TableSchema schema, KeyRange range) {
    return "SELECT count(*) FROM " + table(schema) + where(schema, range);
  }

  private static String where(TableSchema schema, KeyRange range) {
    if (range == null) {
      return "";
    }
    SourceColumn key = schema.rangeKey(range);
    String k = quote(key.name());
    List<String> where = new ArrayList<>();
    if (range.lo() != null) {
      where.add(k + " >= CAST(? AS " + key.columnType() + ")");
    }
    if (range.hi() != null) {
      where.add(k + " < CAST(? AS " + key.columnType() + ")");
    }
    return where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
  }

  private static PostgresColumn column(TableSchema schema, Map<String, PostgresColumn> described, String name) {
    PostgresColumn c = described.get(name);
    if (c == null) {
      throw new InvalidInputException("table " + schema.qualifiedName() + " has no column '" + name + "'");
    }
    return c;
  }

  /**
   * Binds the range's bounds as text, after checking each one converts to the key's type: a bound
   * that does not is an {@link InvalidInputException} naming which bound, never its value (a key
   * column can be personal). The check runs under a savepoint inside a snapshot, so a refused bound
   * leaves the transaction usable.
   */
  static void bind(Connection connection, PreparedStatement ps, TableSchema schema, KeyRange range)
      throws SQLException {
    if (range == null) {
      return;
    }
    SourceColumn key = schema.rangeKey(range);
    String[] bounds = {range.lo(), range.hi()};
    int index = 1;
    for (int b = 0; b < 2; b++) {
      if (bounds[b] == null) {
        continue;
      }
      if (!converts(connection, bounds[b], key.columnType())) {
        throw new InvalidInputException("the " + (b == 0 ? "lower" : "upper") + " bound of range " + range.id()
            + " does not fit key column '" + key.name() + "' (" + key.columnType() + ") of "
            + schema.qualifiedName() + "; pass the plan's bounds unchanged");
      }
      ps.setString(index++, bounds[b]);
    }
  }

  private static boolean converts(Connection connection, String bound, String type) throws SQLException {
    Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
    try (PreparedStatement ps = connection.prepareStatement("SELECT CAST(? AS " + type + ")")) {
      ps.setString(1, bound);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
      }
      return true;
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (!state.startsWith("22")) {
        throw e;
      }
      if (savepoint != null) {
        connection.rollback(savepoint);
      }
      return false;
    } finally {
      if (savepoint != null && !connection.isClosed()) {
        try {
          connection.releaseSavepoint(savepoint);
        } catch (SQLException rolledBack) {
          // Released by the rollback above.
        }
      }
    }
  }
}
