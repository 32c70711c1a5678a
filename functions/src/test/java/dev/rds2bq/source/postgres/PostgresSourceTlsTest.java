package dev.rds2bq.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.Engine;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.localstack.EmbeddedPostgreSql;
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

/**
 * {@code tls: verify} on PostgreSQL is pgjdbc's {@code verify-full} against the CA bundle: against a
 * server started here with a certificate made here, it connects over TLS, and refuses a certificate
 * another CA signed, a certificate for another host name, and a server without TLS, each with its
 * own message and none retried as an outage.
 */
class PostgresSourceTlsTest {
  private static final LocalStack plain = LocalStack.get();
  private static Path certs;
  private static LocalTls tls;
  private static EmbeddedPostgreSql server;

  @BeforeAll
  static void start() throws Exception {
    certs = Files.createTempDirectory("rds2bq-pg-tls-test");
    tls = LocalTls.newCa("pg-source-tls", certs);
    // The certificate names the IP address only: "localhost" is then a wrong host name for it.
    server = EmbeddedPostgreSql.startWithTls(tls.server("127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static PostgresSource verifying(EmbeddedPostgreSql pg, String host, Path bundle) {
    DatabaseSecret login = DatabaseSecret.parse("s", pg.secretJson("postgres").replace("\"127.0.0.1\"",
        "\"" + host + "\""), 5432);
    return new PostgresSource(login, new SourceConfig(Engine.POSTGRESQL, "s", TlsMode.VERIFY, bundle.toString(), 5, 30,
        null));
  }

  @Test
  void verifyConnectsOverTlsWithTheCaBundle() throws Exception {
    try (Connection c = verifying(server, "127.0.0.1", tls.caPem()).open(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertTrue(rs.next());
      assertTrue(rs.getBoolean(1));
      assertTrue(rs.getString(2).startsWith("TLSv1."), rs.getString(2));
    }
  }

  @Test
  void aCertificateSignedByAnotherCaIsRefused() {
    Path otherCa = LocalTls.newCa("other", certs.resolve("other")).caPem();
    ConfigException e = assertThrows(ConfigException.class,
        () -> verifying(server, "127.0.0.1", otherCa).databases());
    assertEquals("the source 127.0.0.1:" + server.port() + "/postgres presented a TLS certificate that no CA in"
        + " source.caBundle (" + otherCa + ") signed; use the CA bundle of the database's region"
        + " (docs/configuration.md#tls)", e.getMessage());
  }

  @Test
  void aCertificateForAnotherHostNameIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> verifying(server, "localhost", tls.caPem()).databases());
    assertEquals("the source localhost:" + server.port() + "/postgres presented a TLS certificate that is not for"
        + " the host name 'localhost'; the secret's host must be a name the certificate lists (for RDS the instance"
        + " or proxy endpoint, not an IP address or a CNAME)", e.getMessage());
  }

  @Test
  void aServerWithoutTlsIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> verifying(plain.postgres(), "127.0.0.1", tls.caPem()).databases());
    assertEquals("the source 127.0.0.1:" + plain.postgres().port() + "/postgres does not offer TLS, and tls: verify"
        + " never connects without it; turn TLS on at the server (RDS always offers it)", e.getMessage());
    assertFalse(e.getMessage().contains(EmbeddedPostgreSql.PASSWORD));
  }

  @Test
  void aBundleThatIsNotPemIsAConfigError() throws Exception {
    DatabaseSecret login = DatabaseSecret.parse("s", server.secretJson("postgres"), 5432);
    Path notPem = Files.writeString(certs.resolve("bundle.pem"), "not a certificate");
    ConfigException e = assertThrows(ConfigException.class, () -> new PostgresSource(login,
        new SourceConfig(Engine.POSTGRESQL, "s", TlsMode.VERIFY, notPem.toString(), 5, 30, null)));
    assertTrue(e.getMessage().contains("source.caBundle"), e.getMessage());
  }
}
