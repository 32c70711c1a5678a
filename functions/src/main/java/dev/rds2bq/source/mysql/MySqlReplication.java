package dev.rds2bq.source.mysql;

import dev.rds2bq.source.ReplicaLag;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Replica lag from {@code SHOW REPLICA STATUS}: {@code Seconds_Behind_Source} (MySQL 8.0.22 and
 * later) or {@code Seconds_Behind_Master} (MariaDB, older MySQL), which is also what the RDS
 * {@code ReplicaLag} metric reports for a MySQL replica. NULL there means replication is not
 * running. The statement needs {@code REPLICATION CLIENT} (MySQL) or {@code REPLICA MONITOR}
 * (MariaDB); without it the lag is unknown and the export goes on.
 */
final class MySqlReplication {
  private static final int PARSE_ERROR = 1064;
  private static final int ACCESS_DENIED = 1227;
  private static final int ACCESS_DENIED_GLOBAL = 1045;

  private MySqlReplication() {}

  static ReplicaLag lag(Connection connection) throws SQLException {
    try {
      return read(connection, "SHOW REPLICA STATUS");
    } catch (SQLException e) {
      if (e.getErrorCode() == PARSE_ERROR) {
        return readOrUnknown(connection, "SHOW SLAVE STATUS"); // MySQL before 8.0.22
      }
      if (denied(e)) {
        return deniedLag();
      }
      throw e;
    }
  }

  private static ReplicaLag readOrUnknown(Connection connection, String sql) throws SQLException {
    try {
      return read(connection, sql);
    } catch (SQLException e) {
      if (denied(e)) {
        return deniedLag();
      }
      throw e;
    }
  }

  private static boolean denied(SQLException e) {
    return e.getErrorCode() == ACCESS_DENIED || e.getErrorCode() == ACCESS_DENIED_GLOBAL;
  }

  private static ReplicaLag deniedLag() {
    return ReplicaLag.unknown("the login may not run SHOW REPLICA STATUS (grant it REPLICATION CLIENT on MySQL,"
        + " REPLICA MONITOR on MariaDB, to pace exports on replica lag)");
  }

  /** One row per replication channel; the worst channel counts. */
  private static ReplicaLag read(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      String column = column(rs.getMetaData(), "Seconds_Behind_Source", "Seconds_Behind_Master");
      String sqlThread = column(rs.getMetaData(), "Replica_SQL_Running", "Slave_SQL_Running");
      String ioThread = column(rs.getMetaData(), "Replica_IO_Running", "Slave_IO_Running");
      ReplicaLag worst = null;
      while (rs.next()) {
        long seconds = rs.getLong(column);
        ReplicaLag lag = rs.wasNull()
            ? ReplicaLag.stopped(column + " is NULL: replication is not running (" + sqlThread + ": "
                + rs.getString(sqlThread) + ", " + ioThread + ": " + rs.getString(ioThread) + ")")
            : ReplicaLag.behind(seconds, column + " = " + seconds);
        if (worst == null || lag.state() == ReplicaLag.State.STOPPED
            || (worst.state() == ReplicaLag.State.BEHIND && lag.seconds() > worst.seconds())) {
          worst = lag;
        }
      }
      return worst == null ? ReplicaLag.notAReplica(sql + " is empty: not a replica") : worst;
    }
  }

  private static String column(ResultSetMetaData meta, String newer, String older) throws SQLException {
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      if (meta.getColumnLabel(i).equalsIgnoreCase(newer)) {
        return newer;
      }
    }
    return older;
  }
}
