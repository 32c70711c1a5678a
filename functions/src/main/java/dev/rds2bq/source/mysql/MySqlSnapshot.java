package dev.rds2bq.source.mysql;

import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.rows.RowBatch;
import dev.rds2bq.source.ReplicaLag;
import dev.rds2bq.source.RowStream;
import dev.rds2bq.source.SourceSnapshot;
import dev.rds2bq.source.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * One connection inside {@code START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY}. Rows stream
 * with Connector/J's row-by-row mode (fetch size {@code Integer.MIN_VALUE}), so memory stays
 * constant whatever the table. Such a result cannot be abandoned by closing it: Connector/J would
 * read every remaining row first. An unfinished scan therefore drops the connection.
 */
final class MySqlSnapshot implements SourceSnapshot {
  private final MySqlConnections source;
  private final Connection connection;
  private final String database;
  private final RowBatch.Unconvertible unconvertible;
  private boolean dropped;

  MySqlSnapshot(MySqlConnections source, String database) {
    this.source = source;
    this.connection = source.openSnapshot(database);
    this.database = database;
    this.unconvertible = (rs, column, error) -> MySqlDates.replace(rs, column, error,
        e -> source.translate(e, database));
  }

  @Override
  public TableSchema table(String name) {
    return source.translating(database, () -> new MySqlSchemas(connection).read(database, name));
  }

  @Override
  public RowStream rows(TableSchema table, List<String> columns, KeyRange range, CursorWindow window) {
    PreparedStatement ps = null;
    try {
      ps = connection.prepareStatement(MySqlQueries.select(table, columns, range, window),
          ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      ps.setFetchSize(Integer.MIN_VALUE);
      MySqlQueries.bind(ps, table, range, window);
      return new Scan(ps, ps.executeQuery());
    } catch (SQLException | RuntimeException e) {
      closeQuietly(ps);
      throw e instanceof SQLException sql ? source.translate(sql, database) : (RuntimeException) e;
    }
  }

  @Override
  public String maxValue(TableSchema table, String column) {
    return source.translating(database, () -> {
      try (PreparedStatement ps = connection.prepareStatement(MySqlQueries.max(table, column));
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    });
  }

  @Override
  public ReplicaLag replicaLag() {
    return source.translating(database, () -> MySqlReplication.lag(connection));
  }

  @Override
  public long count(TableSchema table, KeyRange range) {
    return source.translating(database, () -> {
      try (PreparedStatement ps = connection.prepareStatement(MySqlQueries.count(table, range))) {
        MySqlQueries.bind(ps, table, range);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /**
   * The snapshot was opened in SQL, so it is ended in SQL: with autocommit on, JDBC's rollback()
   * would throw and skip the close.
   */
  @Override
  public void close() {
    if (dropped) {
      return;
    }
    try (Statement s = connection.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // The reads are done; only the close matters now.
    } finally {
      MySqlConnections.closeQuietly(connection);
    }
  }

  /** Aborts the connection: the server ends the query and the snapshot, and nothing is drained. */
  private void drop() {
    if (!dropped) {
      dropped = true;
      try {
        connection.abort(Runnable::run);
      } catch (SQLException ignored) {
        // Already broken: nothing left to drain.
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Closing after the outcome is known.
      }
    }
  }

  /** One streaming SELECT: rows go into the batch with the getters the batch names. */
  private final class Scan implements RowStream {
    private final PreparedStatement statement;
    private final ResultSet rows;
    private boolean ended;

    Scan(PreparedStatement statement, ResultSet rows) {
      this.statement = statement;
      this.rows = rows;
    }

    @Override
    public boolean fill(RowBatch batch) {
      int added = 0;
      try {
        while (!batch.isFull()) {
          if (!rows.next()) {
            ended = true;
            break;
          }
          batch.add(rows, unconvertible);
          added++;
        }
      } catch (SQLException e) {
        throw source.translate(e, database);
      }
      return added > 0;
    }

    @Override
    public void close() {
      if (!ended) {
        drop(); // before the result closes: closing a streaming result reads it to its end
      }
      closeQuietly(rows);
      closeQuietly(statement);
    }
  }
}
