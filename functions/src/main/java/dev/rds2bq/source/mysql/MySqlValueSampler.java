package dev.rds2bq.source.mysql;

import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.ValueSampler;
import dev.rds2bq.types.SourceFamily;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a bounded sample of some columns of a table for the plan-time value scan: at most
 * {@code rows} rows in all, the first half by ascending primary key (the oldest rows) and the rest by
 * descending key (the newest, where a new free-text feature shows first); a table without a primary
 * key gives its first rows. Each value is cut to {@code maxChars} characters by the server, so a
 * sample costs at most rows × columns × maxChars whatever the table holds. The time budget stops
 * the reading, and the caller judges the rows read by then.
 */
final class MySqlValueSampler {
  private final Connection connection;

  MySqlValueSampler(Connection connection) {
    this.connection = connection;
  }

  ValueSampler.Stats sample(TableSchema schema, List<SourceColumn> columns, int rows, long budgetMillis,
      int maxChars, ValueSampler.Sink sink) throws SQLException {
    long started = System.nanoTime();
    long deadline = started + budgetMillis * 1_000_000L;
    List<String> key = schema.primaryKey();
    StringBuilder select = new StringBuilder("SELECT ");
    for (String k : key) {
      select.append(SqlIdentifiers.quote(k)).append(", ");
    }
    for (int i = 0; i < columns.size(); i++) {
      select.append(i == 0 ? "" : ", ").append("LEFT(").append(SqlIdentifiers.quote(columns.get(i).name()))
          .append(", ").append(maxChars).append(")");
    }
    select.append(" FROM ").append(SqlIdentifiers.quote(schema.database())).append('.')
        .append(SqlIdentifiers.quote(schema.table()));
    boolean[] binary = new boolean[columns.size()];
    for (int i = 0; i < binary.length; i++) {
      SourceColumn c = columns.get(i);
      binary[i] = c.mapping() != null && c.mapping().family() == SourceFamily.BINARY;
    }
    int read = 0;
    boolean exhausted = false;
    if (key.isEmpty()) {
      int[] r = read(select + " LIMIT " + rows, key.size(), binary, deadline, null, sink);
      read = r[0];
      exhausted = r[1] == 1;
    } else {
      int first = (rows + 1) / 2;
      Set<String> seen = new HashSet<>();
      int[] r = read(select + order(key, "ASC") + " LIMIT " + first, key.size(), binary, deadline, seen, sink);
      read = r[0];
      exhausted = r[1] == 1;
      // Fewer rows than asked for: the table is read whole, and the newest rows are among them.
      if (!exhausted && read == first && rows - first > 0) {
        int[] d = read(select + order(key, "DESC") + " LIMIT " + (rows - first), key.size(), binary, deadline, seen,
            sink);
        read += d[0];
        exhausted = d[1] == 1;
      }
    }
    return new ValueSampler.Stats(read, exhausted, (System.nanoTime() - started) / 1_000_000);
  }

  private static String order(List<String> key, String direction) {
    StringBuilder b = new StringBuilder(" ORDER BY ");
    for (int i = 0; i < key.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(SqlIdentifiers.quote(key.get(i))).append(' ').append(direction);
    }
    return b.toString();
  }

  /** {rows passed to the sink, 1 if the budget ran out}. Rows whose key is in {@code seen} are skipped. */
  private int[] read(String sql, int keyColumns, boolean[] binary, long deadline, Set<String> seen,
      ValueSampler.Sink sink)
      throws SQLException {
    int rows = 0;
    try (PreparedStatement ps = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY)) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
      ps.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, left + 1));
      ps.setFetchSize(Integer.MIN_VALUE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (System.nanoTime() > deadline) {
            return new int[] {rows, 1};
          }
          if (seen != null && keyColumns > 0) {
            StringBuilder k = new StringBuilder();
            for (int i = 1; i <= keyColumns; i++) {
              k.append(rs.getString(i)).append('\u0000');
            }
            if (!seen.add(k.toString())) {
              continue;
            }
          }
          for (int i = 0; i < binary.length; i++) {
            String v;
            if (binary[i]) {
              byte[] b = rs.getBytes(keyColumns + 1 + i);
              v = b == null ? null : new String(b, StandardCharsets.UTF_8);
            } else {
              v = rs.getString(keyColumns + 1 + i);
            }
            if (v != null) {
              sink.value(i, v);
            }
          }
          rows++;
        }
      }
    }
    return new int[] {rows, 0};
  }
}
