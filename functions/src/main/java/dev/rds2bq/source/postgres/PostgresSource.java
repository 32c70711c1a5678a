package dev.rds2bq.source.postgres;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.SourceSnapshot;
import java.sql.Connection;
import java.util.List;

/**
 * PostgreSQL (RDS for PostgreSQL, Aurora PostgreSQL) behind the {@link Source} interface, through
 * pgjdbc: every PostgreSQL setting, query and SQLState of rds2bq is in this package
 * (docs/sources.md). A source reads one database; its schemas are what the rest of rds2bq calls
 * databases.
 */
public final class PostgresSource implements Source {
  private final PostgresConnections connections;

  /** Checks the TLS settings (and reads the CA bundle) now; connects at the first catalog or snapshot. */
  public PostgresSource(DatabaseSecret login, SourceConfig config) {
    this.connections = new PostgresConnections(login, config);
  }

  @Override
  public SourceCatalog catalog(String schema) {
    return new PostgresCatalog(connections, schema);
  }

  /** Inside {@code REPEATABLE READ READ ONLY}, the snapshot taken at the first query. */
  @Override
  public SourceSnapshot snapshot(String schema) {
    return new PostgresSnapshot(connections, schema);
  }

  /** The schemas the login may use, on a connection of its own. */
  @Override
  public List<String> databases() {
    return connections.translating(connections.database(), () -> {
      try (Connection c = connections.open(connections.database())) {
        return new PostgresSchemas(c).schemas();
      }
    });
  }

  /** A streaming replica (RDS read replica, Aurora reader) is in recovery. */
  @Override
  public ReadOnly readOnly() {
    return connections.translating(connections.database(), () -> {
      try (Connection c = connections.open(connections.database());
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        boolean recovery = rs.getBoolean(1);
        return new ReadOnly(recovery, "pg_is_in_recovery() = " + recovery);
      }
    });
  }

  @Override
  public String endpoint() {
    return connections.endpoint();
  }

  /**
   * A plain read-only connection with every setting of the export, outside any snapshot: for
   * measuring the fastest read the driver allows (the export benchmark's ceiling).
   */
  public Connection open() {
    return connections.open(connections.database());
  }
}
