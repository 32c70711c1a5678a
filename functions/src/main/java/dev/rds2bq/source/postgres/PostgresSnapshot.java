package dev.rds2bq.source.postgres;

import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.error.DataException;
import dev.rds2bq.rows.RowBatch;
import dev.rds2bq.source.ReplicaLag;
import dev.rds2bq.source.RowStream;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.SourceSnapshot;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.types.SourceFamily;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * One connection inside a {@code REPEATABLE READ READ ONLY} transaction. Rows stream through a
 * server-side cursor: with autocommit off and a fetch size, pgjdbc asks for {@link #FETCH_ROWS} rows
 * at a time, so memory stays constant whatever the table. Closing an unfinished scan closes its
 * cursor, which reads nothing more; the transaction ends with a rollback.
 */
final class PostgresSnapshot implements SourceSnapshot {
  /** Rows per round trip of the cursor (docs/benchmarks.md). */
  static final int FETCH_ROWS = 4096;

  private final PostgresConnections source;
  private final Connection connection;
  private final String schema;
  private final PostgresSchemas schemas;

  PostgresSnapshot(PostgresConnections source, String schema) {
    this.source = source;
    this.connection = source.openSnapshot(schema);
    this.schema = schema;
    this.schemas = new PostgresSchemas(connection);
  }

  @Override
  public TableSchema table(String name) {
    return source.translating(schema, () -> schemas.read(schema, name));
  }

  @Override
  public RowStream rows(TableSchema table, List<String> columns, KeyRange range, CursorWindow window) {
    PreparedStatement ps = null;
    try {
      Map<String, PostgresColumn> described = schemas.columns(table);
      ps = connection.prepareStatement(PostgresQueries.select(table, described, columns, range, window),
          ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      ps.setFetchSize(FETCH_ROWS);
      PostgresQueries.bind(connection, ps, table, range, window);
      return new Scan(table, columns, ps, ps.executeQuery());
    } catch (SQLException e) {
      PostgresConnections.closeQuietly(ps);
      throw source.translate(e, schema);
    } catch (RuntimeException e) {
      PostgresConnections.closeQuietly(ps);
      throw e;
    }
  }

  @Override
  public String maxValue(TableSchema table, String column) {
    return source.translating(schema, () -> {
      try (PreparedStatement ps = connection.prepareStatement(PostgresQueries.max(table, column));
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  @Override
  public ReplicaLag replicaLag() {
    return source.translating(schema, () -> PostgresReplication.lag(connection));
  }

  @Override
  public long count(TableSchema table, KeyRange range) {
    return source.translating(schema, () -> {
      try (PreparedStatement ps = connection.prepareStatement(PostgresQueries.count(table, range))) {
        PostgresQueries.bind(connection, ps, table, range);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public void close() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // The reads are done; only the close matters now.
    } finally {
      PostgresConnections.closeQuietly(connection);
    }
  }

  /** One cursor over a SELECT: rows go into the batch with the getters the batch names. */
  private final class Scan implements RowStream {
    private final TableSchema table;
    private final List<String> columns;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final RowBatch.Unconvertible unconvertible;

    Scan(TableSchema table, List<String> columns, PreparedStatement statement, ResultSet rows) {
      this.table = table;
      this.columns = columns;
      this.statement = statement;
      this.rows = rows;
      // The dates the driver cannot convert do not occur: infinity arrives as Java's largest date,
      // which the writers treat as a date BigQuery cannot hold.
      this.unconvertible = (rs, column, error) -> RowBatch.failed(error instanceof SQLException sql
          ? source.translate(sql, schema) : (RuntimeException) error);
    }

    @Override
    public boolean fill(RowBatch batch) {
      int added = 0;
      try {
        while (!batch.isFull()) {
          if (!rows.next()) {
            break;
          }
          batch.add(rows, unconvertible);
          added++;
        }
      } catch (SQLException e) {
        throw valueError(e);
      }
      return added > 0;
    }

    /**
     * numeric NaN in a column that loads as NUMERIC: no decimal type holds it, so it stops the table
     * naming the column (a user fault, not an outage to retry); anything else is the source's.
     */
    private RuntimeException valueError(SQLException e) {
      if ("22003".equals(e.getSQLState())) {
        for (int i = 0; i < columns.size(); i++) {
          SourceColumn c = table.column(columns.get(i));
          if (c != null && c.mapping() != null && c.mapping().family() == SourceFamily.DECIMAL) {
            try {
              String text = rows.getString(i + 1);
              if ("NaN".equals(text)) {
                return new DataException("table " + table.qualifiedName() + ", column " + c.name() + " ("
                    + c.columnType() + ") holds NaN, which BigQuery's NUMERIC and BIGNUMERIC cannot hold. Fix: set"
                    + " those rows to NULL in the source, or drop or redact the column in the masking policy");
              }
            } catch (SQLException ignored) {
              // The value cannot be looked at either: report the driver's error below.
            }
          }
        }
      }
      return source.translate(e, schema);
    }

    @Override
    public void close() {
      // Closing the result closes the portal: the server stops the scan, nothing is read to the end.
      PostgresConnections.closeQuietly(rows);
      PostgresConnections.closeQuietly(statement);
    }
  }
}
