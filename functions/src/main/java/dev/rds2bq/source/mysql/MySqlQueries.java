package dev.rds2bq.source.mysql;

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
    StringBuilder sql = new StringBuilder("SELECT ");
    if (columns.isEmpty()) {
      sql.append('1');
    }
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(SqlIdentifiers.quote(columns.get(i)));
    }
    sql.append(" FROM ").append(SqlIdentifiers.quote(schema.database())).append('.')
        .append(SqlIdentifiers.quote(schema.table()));
    if (range != null) {
      String k = SqlIdentifiers.quote(schema.rangeKey(range).name());
      List<String> where = new ArrayList<>();
      if (range.lo() != null) {
        where.add(k + " >= ?");
      }
      if (range.hi() != null) {
        where.add(k + " < ?");
      }
      if (!where.isEmpty()) {
        sql.append(" WHERE ").append(String.join(" AND ", where));
      }
    }
    return sql.toString();
  }

  /** Binds bounds with the key's own type: comparing an integer key with a string would go through DOUBLE. */
  static void bind(PreparedStatement ps, TableSchema schema, KeyRange range) throws SQLException {
    if (range == null) {
      return;
    }
    SourceColumn column = schema.rangeKey(range);
    MappedColumn key = column.mapping();
    int index = 1;
    String[] bounds = {range.lo(), range.hi()};
    for (int b = 0; b < 2; b++) {
      String bound = bounds[b];
      if (bound == null) {
        continue;
      }
      try {
        SourceFamily f = key == null ? SourceFamily.TEXT : key.family();
        switch (f) {
          case INT:
          case LONG:
          case YEAR:
            ps.setLong(index++, Long.parseLong(bound));
            break;
          case UNSIGNED_BIGINT:
          case DECIMAL:
            ps.setBigDecimal(index++, new BigDecimal(bound));
            break;
          case BINARY:
            ps.setBytes(index++, HexFormat.of().parseHex(bound));
            break;
          default:
            ps.setString(index++, bound);
        }
      } catch (IllegalArgumentException e) {
        // The bound itself is never quoted: a key column can be personal (an e-mail address, a hashed id).
        throw new InvalidInputException("the " + (b == 0 ? "lower" : "upper") + " bound of range " + range.id()
            + " does not fit key column '" + column.name() + "' (" + column.columnType() + ") of "
            + schema.qualifiedName() + "; pass the plan's bounds unchanged");
      }
    }
  }

}
