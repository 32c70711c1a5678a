package dev.rds2bq.source.postgres;

import dev.rds2bq.source.ReplicaLag;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Replica lag of a PostgreSQL standby: the age of the last replayed transaction, or 0 when every
 * WAL record received has been replayed (an idle primary writes nothing, and the age alone would
 * grow without any lag). A paused replay is a stopped replica. These functions need no privilege.
 */
final class PostgresReplication {
  private PostgresReplication() {}

  static ReplicaLag lag(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(),"
        + " CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END,"
        + " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
        + " ELSE floor(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())) END")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return ReplicaLag.notAReplica("pg_is_in_recovery() = false: not a standby");
      }
      if (rs.getBoolean(2)) {
        return ReplicaLag.stopped("pg_is_wal_replay_paused() = true: replay is paused");
      }
      long seconds = rs.getLong(3);
      if (rs.wasNull()) {
        return ReplicaLag.unknown("pg_last_xact_replay_timestamp() is NULL: nothing replayed since the standby started");
      }
      return ReplicaLag.behind(Math.max(0, seconds), "seconds since the last replayed transaction = " + seconds);
    }
  }
}
