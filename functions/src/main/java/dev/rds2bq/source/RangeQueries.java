package dev.rds2bq.source;

import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.types.MappedColumn;
import dev.rds2bq.types.SourceFamily;
import dev.rds2bq.types.TypeMapping;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The SQL of a key range, shared by the export and by publish's source count: one definition of a range. */
public final class RangeQueries {
  private RangeQueries() {}

  /** {@code SELECT COUNT(*) FROM <table> [WHERE <range>]}. */
  public static String count(TableSchema schema, KeyRange range) {
    return select(schema, List.of(), range).replaceFirst("^SELECT 1 ", "SELECT COUNT(*) ");
  }

  /** {@code SELECT <columns> FROM <table> [WHERE <range>]}, identifiers quoted; bounds are parameters. */
  public static String select(TableSchema schema, List<String> columns, KeyRange range) {
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
      String k = SqlIdentifiers.quote(keyColumn(schema, range).name());
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

  private static SourceColumn keyColumn(TableSchema schema, KeyRange range) {
    if (range.column() == null && !schema.primaryKey().isEmpty()) {
      return schema.column(schema.primaryKey().get(0));
    }
    if (schema.primaryKey().isEmpty() || !schema.primaryKey().get(0).equalsIgnoreCase(range.column())) {
      throw new InvalidInputException("range column '" + (range.column() == null ? "(the primary key)" : range.column())
          + "' of " + schema.qualifiedName()
          + " is not the first primary-key column " + (schema.primaryKey().isEmpty() ? "(the table has no primary key;"
              + " export it without a range)" : "'" + schema.primaryKey().get(0) + "'"));
    }
    return schema.column(range.column());
  }

  /** Binds bounds with the key's own type: comparing an integer key with a string would go through DOUBLE. */
  public static void bind(PreparedStatement ps, TableSchema schema, KeyRange range) throws SQLException {
    if (range == null) {
      return;
    }
    MappedColumn key = TypeMapping.map(keyColumn(schema, range));
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
            + " does not fit key column '" + keyColumn(schema, range).name() + "' ("
            + (key == null ? "?" : key.source().columnType()) + ") of " + schema.qualifiedName()
            + "; pass the plan's bounds unchanged");
      }
    }
  }

}
