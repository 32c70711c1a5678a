package dev.rds2bq.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.testing.LocalStack;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** A database name is a quoted identifier, never part of the JDBC URL where it could add driver properties. */
class MySqlSourceNamesTest {
  private static final LocalStack stack = LocalStack.get();

  @Test
  void aDatabaseNameNeverBecomesConnectionProperties() throws Exception {
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("mysql"));
    MySqlSource connector = new MySqlSource(login, new SourceConfig("s", TlsMode.DISABLED, null, 5, 30));
    // In a URL this would have connected to "mysql" with an extra driver property; as a name it is no database.
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> connector.open("mysql?allowLoadLocalInfile=true"));
    assertTrue(e.getMessage().contains("database 'mysql?allowLoadLocalInfile=true' does not exist"), e.getMessage());
    try (Connection c = connector.open("mysql")) {
      assertEquals("mysql", c.getCatalog());
    }
  }
}
