package dev.rds2bq.source.postgres;

import dev.rds2bq.contract.CursorWindow;
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
    return select(schema, described, columns, range, null);
  }

  /** The same, narrowed to a cursor window, compared in the cursor column's own type. */
  static String select(TableSchema schema, Map<String, PostgresColumn> described, List<String> columns,
      KeyRange range, CursorWindow window) {
    StringBuilder sql = new StringBuilder("SELECT ");
    if (columns.isEmpty()) {
      sql.append('1');
    }
    for (int i = 0; i < columns.size(); i++) {
      PostgresColumn c = column(schema, described, columns.get(i));
      sql.append(i == 0 ? "" : ", ").append(PostgresTypes.map(c.type(), 2).select(quote(c.name())));
    }
    sql.append(" FROM ").append(table(schema)).append(where(schema, range, window));
    return sql.toString();
  }

  /** {@code SELECT max(c)::text}: the largest value as PostgreSQL prints it, which the window's cast reads back. */
  static String max(TableSchema schema, String column) {
    return "SELECT max(" + quote(schema.column(column).name()) + ")::text FROM " + table(schema);
  }

  static String count(TableSchema schema, KeyRange range) {
    return count(schema, range, null);
  }

  /** The same, narrowed to a cursor window (its marks are parameters after the range's bounds). */
  static String count(TableSchema schema, KeyRange range, CursorWindow window) {
    return "SELECT count(*) FROM " + table(schema) + where(schema, range, window);
  }

  private static String where(TableSchema schema, KeyRange range, CursorWindow window) {
    List<String> where = new ArrayList<>();
    if (range != null) {
      SourceColumn key = schema.rangeKey(range);
      String k = quote(key.name());
      if (range.lo() != null) {
        where.add(k + " >= CAST(? AS " + key.columnType() + ")");
      }
      if (range.hi() != null) {
        where.add(k + " < CAST(? AS " + key.columnType() + ")");
      }
    }
    if (window != null) {
      SourceColumn cursor = schema.column(window.column());
      String c = quote(cursor.name());
      if (window.after() != null) {
        where.add(c + " > CAST(? AS " + cursor.columnType() + ")");
      }
      if (window.upTo() != null) {
        where.add(c + " <= CAST(? AS " + cursor.columnType() + ")");
      }
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
  static void bind(Connection connection, PreparedStatement ps, TableSchema schema, KeyRange range,
      CursorWindow window) throws SQLException {
    int index = bind(connection, ps, schema, range);
    if (window == null) {
      return;
    }
    SourceColumn cursor = schema.column(window.column());
    for (String mark : new String[] {window.after(), window.upTo()}) {
      if (mark == null) {
        continue;
      }
      if (!converts(connection, mark, cursor.columnType())) {
        throw new InvalidInputException("the window's mark '" + mark + "' does not fit cursor column '"
            + cursor.name() + "' (" + cursor.columnType() + ") of " + schema.qualifiedName()
            + "; pass the marks a previous export reported");
      }
      ps.setString(index++, mark);
    }
  }

  /** Binds the range's bounds; returns the next parameter index. */
  static int bind(Connection connection, PreparedStatement ps, TableSchema schema, KeyRange range)
      throws SQLException {
    if (range == null) {
      return 1;
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
    return index;
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
