package dev.rds2bq.source.mysql;

import dev.rds2bq.source.KeyBoundaries;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.types.SourceFamily;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Boundaries of MySQL key ranges, on the first primary-key column:
 * <ul>
 *   <li>Integer keys: boundaries between MIN and MAX, placed by the optimizer's row estimates for
 *       many thin slices (index dives, cheap), so skewed or sparse keys still give even ranges.
 *       Unsigned BIGINT beyond {@code Long.MAX_VALUE} is handled with exact arithmetic.</li>
 *   <li>Other keys (strings, decimals, dates): every n-th distinct value of one ordered scan of the
 *       key column.</li>
 * </ul>
 */
final class MySqlSplits {
  /** Slices per wanted range when estimating density. */
  static final int SLICES_PER_RANGE = 16;
  /** EXPLAINs per table at most: cheap index dives, but a plan of thousands of ranges must stay quick. */
  static final int MAX_ESTIMATES = 20_000;

  private MySqlSplits() {}

  static KeyBoundaries boundaries(Connection c, TableSchema schema, int wanted, long estimatedRows)
      throws SQLException {
    SourceColumn key = schema.column(schema.primaryKey().get(0));
    SourceFamily f = key.mapping() == null ? SourceFamily.TEXT : key.mapping().family();
    boolean integer = f == SourceFamily.INT || f == SourceFamily.LONG || f == SourceFamily.UNSIGNED_BIGINT;
    return integer
        ? new KeyBoundaries(integerBounds(c, schema, key, wanted), "estimated")
        : new KeyBoundaries(scannedBounds(c, schema, key, estimatedRows, wanted, f == SourceFamily.BINARY), "scanned");
  }

  /** A slice {@code [lo, hi)} of the key space and the optimizer's estimate of its rows. */
  private record Slice(BigInteger lo, BigInteger hi, long rows) {}

  private static List<String> integerBounds(Connection c, TableSchema schema, SourceColumn key, int wanted)
      throws SQLException {
    String k = SqlIdentifiers.quote(key.name());
    String t = SqlIdentifiers.quote(schema.database()) + "." + SqlIdentifiers.quote(schema.table());
    BigInteger min;
    BigInteger max;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT CAST(MIN(" + k + ") AS CHAR), CAST(MAX(" + k + ") AS CHAR) FROM " + t)) {
      rs.next();
      if (rs.getString(1) == null) {
        return List.of();
      }
      min = new BigInteger(rs.getString(1));
      max = new BigInteger(rs.getString(2)).add(BigInteger.ONE);
    }
    try (PreparedStatement explain = c.prepareStatement(
        "EXPLAIN SELECT " + k + " FROM " + t + " WHERE " + k + " >= ? AND " + k + " < ?")) {
      // Thin slices first, then slices holding more than half a range are cut again, so a dense
      // cluster in a wide key space still gets its boundaries. The number of estimates is bounded.
      int budget = Math.min(wanted * SLICES_PER_RANGE * 4, MAX_ESTIMATES);
      List<Slice> slices = split(explain, min, max, Math.min(wanted * SLICES_PER_RANGE, MAX_ESTIMATES / 2));
      budget -= slices.size();
      long total = slices.stream().mapToLong(Slice::rows).sum();
      double perRange = (double) total / wanted;
      boolean refined = true;
      while (refined && budget > 0) {
        refined = false;
        List<Slice> next = new ArrayList<>();
        for (Slice sl : slices) {
          BigInteger width = sl.hi().subtract(sl.lo());
          if (budget > 0 && sl.rows() > perRange / 2 && width.compareTo(BigInteger.ONE) > 0) {
            List<Slice> parts = split(explain, sl.lo(), sl.hi(), SLICES_PER_RANGE);
            budget -= parts.size();
            next.addAll(parts);
            refined = true;
          } else {
            next.add(sl);
          }
        }
        slices = next;
      }
      total = slices.stream().mapToLong(Slice::rows).sum();
      perRange = (double) total / wanted;
      List<String> bounds = new ArrayList<>();
      long cumulative = 0;
      int nextBound = 1;
      for (int i = 0; i < slices.size() - 1 && nextBound < wanted; i++) {
        cumulative += slices.get(i).rows();
        if (cumulative >= nextBound * perRange) {
          bounds.add(slices.get(i).hi().toString());
          while (nextBound < wanted && cumulative >= nextBound * perRange) {
            nextBound++;
          }
        }
      }
      return bounds;
    }
  }

  /** {@code parts} slices of {@code [lo, hi)}, each with its row estimate; never an empty slice. */
  private static List<Slice> split(PreparedStatement explain, BigInteger lo, BigInteger hi, int parts)
      throws SQLException {
    BigInteger width = hi.subtract(lo);
    int n = (int) Math.min(parts, width.min(BigInteger.valueOf(parts)).longValue());
    List<Slice> out = new ArrayList<>(n);
    BigInteger from = lo;
    for (int i = 1; i <= n; i++) {
      BigInteger to = i == n ? hi : lo.add(width.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(n)));
      explain.setBigDecimal(1, new BigDecimal(from));
      explain.setBigDecimal(2, new BigDecimal(to));
      long rows = 0;
      try (ResultSet rs = explain.executeQuery()) {
        if (rs.next()) {
          rows = Math.max(0, rs.getLong("rows"));
        }
      }
      out.add(new Slice(from, to, rows));
      from = to;
    }
    return out;
  }

  /** Every n-th distinct key of one ordered scan of the key column alone. */
  private static List<String> scannedBounds(Connection c, TableSchema schema, SourceColumn key, long estimatedRows,
      int wanted, boolean binary) throws SQLException {
    String k = SqlIdentifiers.quote(key.name());
    String sql = "SELECT " + k + " FROM " + SqlIdentifiers.quote(schema.database()) + "."
        + SqlIdentifiers.quote(schema.table()) + " ORDER BY " + k;
    long step = Math.max(1, estimatedRows / wanted);
    List<String> bounds = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      ps.setFetchSize(Integer.MIN_VALUE);
      try (ResultSet rs = ps.executeQuery()) {
        long n = 0;
        String last = null;
        while (rs.next()) {
          n++;
          if (n % step == 0 && bounds.size() < wanted - 1) {
            String v = binary ? java.util.HexFormat.of().formatHex(rs.getBytes(1)) : rs.getString(1);
            if (!v.equals(last)) {
              bounds.add(v);
              last = v;
            }
          }
        }
      }
    }
    // The scan is ordered by the column's own collation, so the bounds never decrease under it: keys
    // equal under it ('a' and 'A') can at worst make an empty range, never a gap or an overlap.
    return bounds;
  }
}
