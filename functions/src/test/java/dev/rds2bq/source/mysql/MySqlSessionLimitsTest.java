package dev.rds2bq.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.testing.LocalStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * docs/sources.md "What keeps an export from hurting the database": an export session gives up on a
 * lock after a few seconds, and cannot write, whatever the login may do.
 */
class MySqlSessionLimitsTest {
  private static final LocalStack stack = LocalStack.get();

  @Test
  void anExportSessionWaitsForALockFiveSecondsAtMostAndCannotWrite() throws Exception {
    stack.database("limits", "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("limits"));
    MySqlSource source = new MySqlSource(login, new SourceConfig("s", TlsMode.DISABLED, null, 5, 30));
    try (Connection c = source.open("limits"); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT @@SESSION.lock_wait_timeout, @@SESSION.innodb_lock_wait_timeout,"
          + " @@SESSION.tx_read_only")) {
        rs.next();
        assertEquals(MySqlConnections.LOCK_WAIT_SECONDS, rs.getInt(1), "metadata locks");
        assertEquals(MySqlConnections.LOCK_WAIT_SECONDS, rs.getInt(2), "row locks");
        assertEquals(1, rs.getInt(3), "the session is read-only");
      }
      assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO t VALUES (2)"));
    }
    // A schema change holds the table's metadata lock: the export's read gives up instead of queueing.
    try (Connection ddl = stack.mysql.connect("limits"); Statement hold = ddl.createStatement();
        Connection c = source.open("limits"); Statement read = c.createStatement()) {
      hold.execute("LOCK TABLES t WRITE");
      SQLException e = assertThrows(SQLException.class, () -> read.executeQuery("SELECT * FROM t").close());
      assertEquals(1205, e.getErrorCode(), "ER_LOCK_WAIT_TIMEOUT: " + e.getMessage());
      hold.execute("UNLOCK TABLES");
    }
  }
}
