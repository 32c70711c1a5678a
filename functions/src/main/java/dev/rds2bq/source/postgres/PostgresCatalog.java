package dev.rds2bq.source.postgres;

import dev.rds2bq.source.KeyBoundaries;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.TableSize;
import java.sql.Connection;
import java.util.List;

/** A PostgreSQL schema's catalog on one connection: pg_catalog, ANALYZE's statistics, key scans. */
final class PostgresCatalog implements SourceCatalog {
  private final PostgresConnections source;
  private final Connection connection;
  private final String schema;
  private final PostgresSchemas schemas;

  PostgresCatalog(PostgresConnections source, String schema) {
    this.source = source;
    this.connection = source.open(schema);
    this.schema = schema;
    this.schemas = new PostgresSchemas(connection);
  }

  @Override
  public List<TableSize> tables() {
    return source.translating(schema, () -> schemas.tables(schema));
  }

  @Override
  public TableSchema table(String name) {
    return source.translating(schema, () -> schemas.read(schema, name));
  }

  @Override
  public KeyBoundaries boundaries(TableSchema table, int ranges, long estimatedRows) {
    return source.translating(schema, () -> PostgresSplits.boundaries(connection, table, ranges, estimatedRows));
  }

  @Override
  public Stats sample(TableSchema table, List<SourceColumn> columns, int rows, long budgetMillis, int maxChars,
      Sink sink) {
    return source.translating(schema,
        () -> new PostgresValueSampler(connection, schemas).sample(table, columns, rows, budgetMillis, maxChars, sink));
  }

  @Override
  public boolean leadsAnIndex(TableSchema table, String column) {
    return source.translating(schema, () -> {
      try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_index i JOIN pg_attribute a"
          + " ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = CAST(? AS regclass)"
          + " AND a.attname = ? LIMIT 1")) {
        ps.setString(1, PostgresQueries.table(table));
        ps.setString(2, table.column(column).name());
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public void close() {
    PostgresConnections.closeQuietly(connection);
  }
}
