package dev.rds2bq.source.postgres;

import dev.rds2bq.source.KeyBoundaries;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Boundaries of PostgreSQL key ranges on the first primary-key column, of any type the key has
 * (integer, numeric, text, uuid, dates, ...):
 * <ul>
 *   <li>From the statistics ANALYZE keeps ({@code pg_stats.histogram_bounds}): an equi-depth
 *       histogram of the column, already ordered as the column compares (its type's order, its
 *       collation), so no row is read.</li>
 *   <li>Without statistics (a table never analyzed): every n-th value of one ordered scan of the key
 *       column, through a cursor.</li>
 * </ul>
 * Values travel as the server prints them and come back cast to the key's type, which gives the
 * same value: text, numbers and uuids print exactly.
 */
final class PostgresSplits {
  private PostgresSplits() {}

  static KeyBoundaries boundaries(Connection c, TableSchema schema, int wanted, long estimatedRows)
      throws SQLException {
    SourceColumn key = schema.column(schema.primaryKey().get(0));
    List<String> histogram = histogram(c, schema, key);
    if (histogram.size() >= 2) {
      return new KeyBoundaries(pick(histogram, wanted), "histogram");
    }
    return new KeyBoundaries(scanned(c, schema, key, wanted, estimatedRows), "scanned");
  }

  /**
   * The inner bounds of the column's histogram (the first and last are its minimum and maximum,
   * which no range needs), equal neighbours dropped. A partitioned table's statistics are the
   * parent's ({@code inherited}), taken over all its partitions.
   */
  private static List<String> histogram(Connection c, TableSchema schema, SourceColumn key) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT v::text FROM pg_stats s,"
        + " unnest(s.histogram_bounds::text::" + key.columnType() + "[]) WITH ORDINALITY AS h(v, i)"
        + " WHERE s.schemaname = ? AND s.tablename = ? AND s.attname = ?"
        + " AND s.inherited = (SELECT c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + "   WHERE n.nspname = ? AND c.relname = ?)"
        + " ORDER BY i")) {
      ps.setString(1, schema.database());
      ps.setString(2, schema.table());
      ps.setString(3, key.name());
      ps.setString(4, schema.database());
      ps.setString(5, schema.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String v = rs.getString(1);
          if (v != null && (values.isEmpty() || !values.get(values.size() - 1).equals(v))) {
            values.add(v);
          }
        }
      }
    }
    return values.size() < 3 ? List.of() : values.subList(1, values.size() - 1);
  }

  /** About {@code wanted - 1} values spread evenly over the ordered ones. */
  static List<String> pick(List<String> ordered, int wanted) {
    if (ordered.size() <= wanted - 1) {
      return List.copyOf(ordered);
    }
    List<String> out = new ArrayList<>();
    for (int r = 1; r < wanted; r++) {
      String v = ordered.get((int) ((long) r * ordered.size() / wanted));
      if (out.isEmpty() || !out.get(out.size() - 1).equals(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /** Every n-th distinct key value of one ordered scan of the key alone, read by cursor. */
  private static List<String> scanned(Connection c, TableSchema schema, SourceColumn key, int wanted,
      long estimatedRows) throws SQLException {
    String k = PostgresQueries.quote(key.name());
    long rows;
    // Without statistics the estimate is no row count either: count them first.
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + PostgresQueries.table(schema));
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      rows = rs.getLong(1);
    }
    long step = Math.max(1, rows / wanted);
    List<String> out = new ArrayList<>();
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false); // a cursor needs a transaction
    // Aliased: ORDER BY the key's name would otherwise sort by the text output column.
    try (PreparedStatement ps = c.prepareStatement("SELECT " + k + "::text AS v FROM " + PostgresQueries.table(schema)
        + " ORDER BY " + k)) {
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        long n = 0;
        String last = null;
        while (rs.next()) {
          String v = rs.getString(1);
          if (++n % step == 0 && !v.equals(last) && out.size() < wanted - 1) {
            out.add(v);
            last = v;
          }
        }
      }
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
    return out;
  }
}
