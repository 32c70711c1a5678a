package dev.rds2bq.source.mysql;

import dev.rds2bq.source.KeyBoundaries;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.TableSize;
import java.sql.Connection;
import java.util.List;

/** A MySQL database's catalog on one connection: information_schema, optimizer estimates, key scans. */
final class MySqlCatalog implements SourceCatalog {
  private final MySqlConnections source;
  private final Connection connection;
  private final String database;

  MySqlCatalog(MySqlConnections source, String database) {
    this.source = source;
    this.connection = source.open(database);
    this.database = database;
  }

  @Override
  public List<TableSize> tables() {
    return source.translating(database, () -> new MySqlSchemas(connection).tables(database));
  }

  @Override
  public TableSchema table(String name) {
    return source.translating(database, () -> new MySqlSchemas(connection).read(database, name));
  }

  @Override
  public KeyBoundaries boundaries(TableSchema table, int ranges, long estimatedRows) {
    return source.translating(database, () -> MySqlSplits.boundaries(connection, table, ranges, estimatedRows));
  }

  @Override
  public Stats sample(TableSchema table, List<SourceColumn> columns, int rows, long budgetMillis, int maxChars,
      Sink sink) {
    return source.translating(database,
        () -> new MySqlValueSampler(connection).sample(table, columns, rows, budgetMillis, maxChars, sink));
  }

  @Override
  public boolean leadsAnIndex(TableSchema table, String column) {
    return source.translating(database, () -> {
      try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM information_schema.statistics"
          + " WHERE table_schema = ? AND table_name = ? AND column_name = ? AND seq_in_index = 1 LIMIT 1")) {
        ps.setString(1, table.database());
        ps.setString(2, table.table());
        ps.setString(3, table.column(column).name());
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** {@code EXPLAIN} of the window's read: its {@code rows}, the optimizer's estimate from the cursor's index. */
  @Override
  public long rowsAfter(TableSchema table, String column, String after) {
    dev.rds2bq.contract.CursorWindow window = new dev.rds2bq.contract.CursorWindow(column, after, null);
    return source.translating(database, () -> {
      try (java.sql.PreparedStatement ps = connection.prepareStatement("EXPLAIN "
          + MySqlQueries.select(table, List.of(), null, window))) {
        MySqlQueries.bind(ps, table, null, window);
        long rows = -1;
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows = Math.max(rows, rs.getLong("rows"));
          }
        }
        return rows;
      }
    });
  }

  @Override
  public void close() {
    MySqlConnections.closeQuietly(connection);
  }
}
