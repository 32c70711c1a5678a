package dev.rds2bq.source.postgres;

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
import java.util.Map;
import java.util.Set;

/**
 * Reads a bounded sample of some columns of a table for the plan-time value scan, in
 * {@link KeyOrderedSample}'s order. Each value is cut to
 * {@code maxChars} characters by the server ({@code left()} of its text; binary values to that many
 * bytes), and a statement timeout and the time budget stop the reading.
 */
final class PostgresValueSampler {
  private final Connection connection;
  private final PostgresSchemas schemas;

  PostgresValueSampler(Connection connection, PostgresSchemas schemas) {
    this.connection = connection;
    this.schemas = schemas;
  }

  ValueSampler.Stats sample(TableSchema schema, List<SourceColumn> columns, int rows, long budgetMillis,
      int maxChars, ValueSampler.Sink sink) throws SQLException {
    long started = System.nanoTime();
    long deadline = started + budgetMillis * 1_000_000L;
    Map<String, PostgresColumn> described = schemas.columns(schema);
    List<String> key = schema.primaryKey();
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < key.size(); i++) {
      // Aliased: ORDER BY "id" would otherwise sort by this text output column, not by the key.
      select.append(PostgresQueries.quote(key.get(i))).append("::text AS rds2bq_k").append(i).append(", ");
    }
    boolean[] binary = new boolean[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      SourceColumn c = columns.get(i);
      binary[i] = c.mapping() != null && c.mapping().family() == SourceFamily.BINARY;
      String quoted = PostgresQueries.quote(c.name());
      String expression = binary[i] ? "substring(" + quoted + " FROM 1 FOR " + maxChars + ")"
          : "left(" + PostgresTypes.map(described.get(c.name()).type(), 2).select(quoted) + ", " + maxChars + ")";
      select.append(i == 0 ? "" : ", ").append(expression);
    }
    select.append(" FROM ").append(PostgresQueries.table(schema));
    return KeyOrderedSample.sample(select.toString(), key, PostgresQueries::quote, rows, started,
        (sql, seen) -> read(sql, key.size(), binary, deadline, seen, sink));
  }

  /** {rows passed to the sink, 1 if the budget ran out}. Rows whose key is in {@code seen} are skipped. */
  private int[] read(String sql, int keyColumns, boolean[] binary, long deadline, Set<String> seen,
      ValueSampler.Sink sink) throws SQLException {
    int[] passed = new int[1];
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
      ps.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, left + 1));
      try (ResultSet rs = ps.executeQuery()) {
        return KeyOrderedSample.drain(rs, keyColumns, binary, deadline, seen, sink, passed);
      }
    } catch (SQLException e) {
      // The statement timeout is the budget running out, as the MySQL sampler's query timeout is.
      if ("57014".equals(e.getSQLState())) {
        return new int[] {passed[0], 1};
      }
      throw e;
    }
  }
}
