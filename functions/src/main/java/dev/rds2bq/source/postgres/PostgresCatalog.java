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

  /** {@code EXPLAIN (FORMAT JSON)} of the window's read: the planner's {@code Plan Rows}. */
  @Override
  public long rowsAfter(TableSchema table, String column, String after) {
    return source.translating(schema, () -> {
      try (java.sql.PreparedStatement ps = connection.prepareStatement("EXPLAIN (FORMAT JSON) "
          + PostgresQueries.count(table, null, new dev.rds2bq.contract.CursorWindow(column, after, null)))) {
        ps.setString(1, after);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return -1L;
          }
          com.fasterxml.jackson.databind.JsonNode plan = new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(rs.getString(1)).path(0).path("Plan");
          // count(*) is an Aggregate over the read: the read's estimate is its child's.
          com.fasterxml.jackson.databind.JsonNode read = plan.path("Plans").path(0);
          return (read.isMissingNode() ? plan : read).path("Plan Rows").asLong(-1);
        } catch (java.io.IOException e) {
          return -1L;
        }
      }
    });
  }

  @Override
  public void close() {
    PostgresConnections.closeQuietly(connection);
  }
}
