package dev.rds2bq.source.mysql;

import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.types.MappedColumn;
import dev.rds2bq.types.SourceFamily;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The SQL of a key range, shared by the export and by publish's source count: one definition of a range. */
final class MySqlQueries {
  private MySqlQueries() {}

  /** {@code SELECT COUNT(*) FROM <table> [WHERE <range>]}. */
  static String count(TableSchema schema, KeyRange range) {
    return select(schema, List.of(), range).replaceFirst("^SELECT 1 ", "SELECT COUNT(*) ");
  }

  /** {@code SELECT <columns> FROM <table> [WHERE <range>]}, identifiers quoted; bounds are parameters. */
  static String select(TableSchema schema, List<String> columns, KeyRange range) {
    return select(schema, columns, range, null);
  }

  /** The same, narrowed to a cursor window: {@code c > ? AND c <= ?} after the range's bounds. */
  static String select(TableSchema schema, List<String> columns, KeyRange range, CursorWindow window) {
    StringBuilder sql = new StringBuilder("SELECT ");
    if (columns.isEmpty()) {
      sql.append('1');
    }
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(SqlIdentifiers.quote(columns.get(i)));
    }
    sql.append(" FROM ").append(SqlIdentifiers.quote(schema.database())).append('.')
        .append(SqlIdentifiers.quote(schema.table()));
    List<String> where = new ArrayList<>();
    if (range != null) {
      String k = SqlIdentifiers.quote(schema.rangeKey(range).name());
      if (range.lo() != null) {
        where.add(k + " >= ?");
      }
      if (range.hi() != null) {
        where.add(k + " < ?");
      }
    }
    if (window != null) {
      String c = SqlIdentifiers.quote(schema.column(window.column()).name());
      if (window.after() != null) {
        where.add(c + " > ?");
      }
      if (window.upTo() != null) {
        where.add(c + " <= ?");
      }
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    return sql.toString();
  }

  /** {@code SELECT CAST(MAX(c) AS CHAR)}: the full text of the largest value, fractional seconds included. */
  static String max(TableSchema schema, String column) {
    return "SELECT CAST(MAX(" + SqlIdentifiers.quote(schema.column(column).name()) + ") AS CHAR) FROM "
        + SqlIdentifiers.quote(schema.database()) + "." + SqlIdentifiers.quote(schema.table());
  }

  /** Binds the range's bounds, then the window's, each with its column's own type. */
  static void bind(PreparedStatement ps, TableSchema schema, KeyRange range, CursorWindow window) throws SQLException {
    bind(ps, schema, range);
    if (window == null) {
      return;
    }
    int index = 1 + (range == null ? 0 : (range.lo() == null ? 0 : 1) + (range.hi() == null ? 0 : 1));
    SourceColumn column = schema.column(window.column());
    for (String mark : new String[] {window.after(), window.upTo()}) {
      if (mark == null) {
        continue;
      }
      try {
        setTyped(ps, index++, column, mark);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("the window's mark '" + mark + "' does not fit cursor column '"
            + column.name() + "' (" + column.columnType() + ") of " + schema.qualifiedName()
            + "; pass the marks a previous export reported");
      }
    }
  }

  /** Binds bounds with the key's own type: comparing an integer key with a string would go through DOUBLE. */
  static void bind(PreparedStatement ps, TableSchema schema, KeyRange range) throws SQLException {
    if (range == null) {
      return;
    }
    SourceColumn column = schema.rangeKey(range);
    int index = 1;
    String[] bounds = {range.lo(), range.hi()};
    for (int b = 0; b < 2; b++) {
      String bound = bounds[b];
      if (bound == null) {
        continue;
      }
      try {
        setTyped(ps, index++, column, bound);
      } catch (IllegalArgumentException e) {
        // The bound itself is never quoted: a key column can be personal (an e-mail address, a hashed id).
        throw new InvalidInputException("the " + (b == 0 ? "lower" : "upper") + " bound of range " + range.id()
            + " does not fit key column '" + column.name() + "' (" + column.columnType() + ") of "
            + schema.qualifiedName() + "; pass the plan's bounds unchanged");
      }
    }
  }

  /**
   * One value, given as text, bound in its column's own type (binary as hex); a value that does not
   * parse is an {@link IllegalArgumentException}, which each caller words for what the value was.
   */
  private static void setTyped(PreparedStatement ps, int index, SourceColumn column, String text)
      throws SQLException {
    MappedColumn mapping = column.mapping();
    switch (mapping == null ? SourceFamily.TEXT : mapping.family()) {
      case INT, LONG, YEAR -> ps.setLong(index, Long.parseLong(text));
      case UNSIGNED_BIGINT, DECIMAL -> ps.setBigDecimal(index, new BigDecimal(text));
      case BINARY -> ps.setBytes(index, HexFormat.of().parseHex(text));
      default -> ps.setString(index, text);
    }
  }
}
