package dev.rds2bq.source.mysql;

import dev.rds2bq.source.KeyOrderedSample;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.ValueSampler;
import dev.rds2bq.types.SourceFamily;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Reads a bounded sample of some columns of a table for the plan-time value scan, in
 * {@link KeyOrderedSample}'s order. Each value is cut to {@code maxChars} characters by the server, so a
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
    return KeyOrderedSample.sample(select.toString(), key, SqlIdentifiers::quote, rows, started,
        (sql, seen) -> read(sql, key.size(), binary, deadline, seen, sink));
  }

  /** {rows passed to the sink, 1 if the budget ran out}. Rows whose key is in {@code seen} are skipped. */
  private int[] read(String sql, int keyColumns, boolean[] binary, long deadline, Set<String> seen,
      ValueSampler.Sink sink)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY)) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
      ps.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, left + 1));
      ps.setFetchSize(Integer.MIN_VALUE);
      try (ResultSet rs = ps.executeQuery()) {
        return KeyOrderedSample.drain(rs, keyColumns, binary, deadline, seen, sink, new int[1]);
      }
    }
  }
}
