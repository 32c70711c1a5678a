package dev.rds2bq.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.LocalTls;
import dev.rds2bq.testing.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls: verify}, the default and what the stack deploys, against a MariaDB that offers TLS with
 * a certificate made here: it connects over TLS, and refuses a server whose certificate another CA
 * signed, a certificate for another host name, and a server without TLS, each with its own message.
 */
class MySqlSourceTlsTest {
  private static final LocalStack plain = LocalStack.get();
  private static Path certs;
  private static LocalTls tls;
  private static Path caBundle;
  private static EmbeddedMySql server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    certs = Files.createTempDirectory("rds2bq-tls-test");
    tls = LocalTls.newCa("source-tls", certs);
    caBundle = tls.caPem();
    // The certificate names the IP address only: "localhost" is then a wrong host name for it.
    server = EmbeddedMySql.startWithTls(tls.server("127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static MySqlSource verifying(String host, int port, Path bundle) {
    DatabaseSecret login = DatabaseSecret.parse("s", server.secretJson("mysql").replace("\"127.0.0.1\"", "\"" + host + "\"")
        .replace("\"port\":" + server.port(), "\"port\":" + port));
    return new MySqlSource(login, new SourceConfig("s", TlsMode.VERIFY, bundle.toString(), 5, 30));
  }

  @Test
  void verifyConnectsOverTlsWithTheCaBundle() throws Exception {
    try (Connection c = verifying("127.0.0.1", server.port(), caBundle).open("mysql"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
      assertTrue(rs.next());
      assertTrue(rs.getString(2).startsWith("TLSv1."), "the session's TLS version: " + rs.getString(2));
    }
  }

  @Test
  void aCertificateSignedByAnotherCaIsRefused() {
    Path otherCa = LocalTls.newCa("other", certs.resolve("other")).caPem();
    ConfigException e = assertThrows(ConfigException.class,
        () -> verifying("127.0.0.1", server.port(), otherCa).open("mysql"));
    assertEquals("the source 127.0.0.1:" + server.port() + " presented a TLS certificate that no CA in source.caBundle ("
        + otherCa + ") signed; use the CA bundle of the database's region (docs/configuration.md#tls)", e.getMessage());
  }

  @Test
  void aCertificateForAnotherHostNameIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> verifying("localhost", server.port(), caBundle).open("mysql"));
    assertEquals("the source localhost:" + server.port() + " presented a TLS certificate that is not for the host name"
        + " 'localhost'; the secret's host must be a name the certificate lists (for RDS the instance or proxy"
        + " endpoint, not an IP address or a CNAME)", e.getMessage());
  }

  @Test
  void aServerWithoutTlsIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> verifying("127.0.0.1", plain.mysql.port(), caBundle).open("mysql"));
    assertEquals("the source 127.0.0.1:" + plain.mysql.port() + " does not offer TLS, and tls: verify never connects"
        + " without it; turn TLS on at the server (RDS always offers it)", e.getMessage());
    assertFalse(e.getMessage().contains(EmbeddedMySql.PASSWORD));
  }

  @Test
  void disabledModeConnectsToALocalServer() throws Exception {
    DatabaseSecret login = DatabaseSecret.parse("s", plain.mysql.secretJson("mysql"));
    new MySqlSource(login, new SourceConfig("s", TlsMode.DISABLED, null, 5, 30)).open("mysql").close();
  }

  @Test
  void aBundleThatIsNotPemIsAConfigError() throws Exception {
    DatabaseSecret login = DatabaseSecret.parse("s", plain.mysql.secretJson("mysql"));
    Path notPem = Files.writeString(dir.resolve("bundle.pem"), "not a certificate");
    ConfigException e = assertThrows(ConfigException.class,
        () -> new MySqlSource(login, new SourceConfig("s", TlsMode.VERIFY, notPem.toString(), 5, 30)));
    assertTrue(e.getMessage().contains("source.caBundle"), e.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> new MySqlSource(login,
        new SourceConfig("s", TlsMode.VERIFY, dir.resolve("absent.pem").toString(), 5, 30)));
    assertTrue(missing.getMessage().contains("cannot read the CA bundle"), missing.getMessage());
  }
}
