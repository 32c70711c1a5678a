package dev.rds2bq.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.Rds2bqException;
import dev.rds2bq.testing.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS is the default: without it the connection fails rather than fall back to plain text. */
class SourceConnectorTlsTest {
  private static final LocalStack stack = LocalStack.get();

  @TempDir
  Path dir;

  private static Path bundle() throws Exception {
    return Path.of(SourceConnectorTlsTest.class.getResource("/tls/test-ca.pem").toURI());
  }

  @Test
  void verifyModeRefusesAServerWithoutTls() throws Exception {
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("mysql"));
    SourceConnector connector = new SourceConnector(login, new SourceConfig("s", TlsMode.VERIFY,
        bundle().toString(), 5, 30));
    Rds2bqException e = assertThrows(Rds2bqException.class, () -> connector.open("mysql"));
    assertTrue(e.getMessage().contains(stack.mysql.host() + ":" + stack.mysql.port()), e.getMessage());
    assertFalse(e.getMessage().contains(dev.rds2bq.localstack.EmbeddedMySql.PASSWORD), e.getMessage());
  }

  @Test
  void disabledModeConnectsToALocalServer() throws Exception {
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("mysql"));
    new SourceConnector(login, new SourceConfig("s", TlsMode.DISABLED, null, 5, 30)).open("mysql").close();
  }

  @Test
  void aBundleThatIsNotPemIsAConfigError() throws Exception {
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("mysql"));
    Path notPem = Files.writeString(dir.resolve("bundle.pem"), "not a certificate");
    ConfigException e = assertThrows(ConfigException.class,
        () -> new SourceConnector(login, new SourceConfig("s", TlsMode.VERIFY, notPem.toString(), 5, 30)));
    assertTrue(e.getMessage().contains("source.caBundle"), e.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> new SourceConnector(login,
        new SourceConfig("s", TlsMode.VERIFY, dir.resolve("absent.pem").toString(), 5, 30)));
    assertTrue(missing.getMessage().contains("cannot read the CA bundle"), missing.getMessage());
  }
}
