package dev.rds2bq.source.mysql;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.SourceSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * MySQL (and MariaDB) behind the {@link Source} interface, through Connector/J: every MySQL setting,
 * query and error code of rds2bq is in this package (docs/sources.md).
 */
public final class MySqlSource implements Source {
  private static final String INFORMATION_SCHEMA = "information_schema";
  private final MySqlConnections connections;

  /** Checks the TLS settings (and reads the CA bundle) now; connects at the first catalog or snapshot. */
  public MySqlSource(DatabaseSecret login, SourceConfig config) {
    this.connections = new MySqlConnections(login, config);
  }

  @Override
  public SourceCatalog catalog(String database) {
    return new MySqlCatalog(connections, database);
  }

  /** Inside {@code START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY} at REPEATABLE READ. */
  @Override
  public SourceSnapshot snapshot(String database) {
    return new MySqlSnapshot(connections, database);
  }

  /** From {@code information_schema.SCHEMATA}, on a connection of its own. */
  @Override
  public List<String> databases() {
    return connections.translating(INFORMATION_SCHEMA, () -> {
      try (Connection c = connections.open(INFORMATION_SCHEMA);
          PreparedStatement ps = c.prepareStatement("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA");
          ResultSet rs = ps.executeQuery()) {
        List<String> names = new ArrayList<>();
        while (rs.next()) {
          names.add(rs.getString(1));
        }
        return names;
      }
    });
  }

  /** A read replica has read_only = 1 (RDS sets it); an Aurora reader has innodb_read_only = 1. */
  @Override
  public ReadOnly readOnly() {
    return connections.translating(INFORMATION_SCHEMA, () -> {
      try (Connection c = connections.open(INFORMATION_SCHEMA);
          PreparedStatement ps = c.prepareStatement("SELECT @@GLOBAL.read_only, @@GLOBAL.innodb_read_only");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        int readOnly = rs.getInt(1);
        int innodb = rs.getInt(2);
        return new ReadOnly(readOnly == 1 || innodb == 1, "@@read_only = " + readOnly + ", @@innodb_read_only = "
            + innodb);
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
  public Connection open(String database) {
    return connections.open(database);
  }
}
