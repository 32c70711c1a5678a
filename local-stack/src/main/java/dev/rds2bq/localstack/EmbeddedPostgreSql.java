package dev.rds2bq.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * PostgreSQL 17 from Maven (zonky's embedded binaries): the PostgreSQL of the local run, the tests
 * and the benchmark. It listens on a free loopback port. Logins over TCP need a password
 * (scram-sha-256), as on RDS; only the bootstrap superuser, which creates databases and the login,
 * is trusted from loopback.
 */
public final class EmbeddedPostgreSql implements AutoCloseable {
  /** A TCP login with a password, made at start-up: the pipeline logs in like it does on RDS. */
  public static final String USER = "rds2bq";
  public static final String PASSWORD = "local-only-password";
  private static final String SUPERUSER = "postgres";

  private final EmbeddedPostgres server;
  private final Path configDir;

  private EmbeddedPostgreSql(EmbeddedPostgres server, Path configDir) {
    this.server = server;
    this.configDir = configDir;
  }

  /** Starts a server without TLS, its data in a temporary folder. */
  public static EmbeddedPostgreSql start() {
    return start(null);
  }

  /**
   * Starts a server that offers TLS with this certificate and key (PEM), as RDS does; clients may
   * still connect without TLS, so a client's own setting decides.
   */
  public static EmbeddedPostgreSql startWithTls(LocalTls.ServerFiles tls) {
    return start(tls);
  }

  private static EmbeddedPostgreSql start(LocalTls.ServerFiles tls) {
    try {
      Path config = Files.createTempDirectory("rds2bq-pg-config");
      Path hba = config.resolve("pg_hba.conf");
      Files.writeString(hba, String.join("\n",
          "local all all trust",
          "host all " + SUPERUSER + " 127.0.0.1/32 trust",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256",
          ""));
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
          .setServerConfig("hba_file", hba.toString())
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("password_encryption", "scram-sha-256")
          .setServerConfig("max_connections", "100")
          .setServerConfig("shared_buffers", "128MB")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off");
      if (tls != null) {
        // The server refuses a key file others may read.
        Path key = config.resolve("server.key");
        Files.copy(tls.key(), key);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        b.setServerConfig("ssl", "on")
            .setServerConfig("ssl_cert_file", tls.certificate().toAbsolutePath().toString())
            .setServerConfig("ssl_key_file", key.toString());
      }
      EmbeddedPostgreSql started = new EmbeddedPostgreSql(b.start(), config);
      started.createLogin();
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start: " + e.getMessage(), e);
    }
  }

  private void createLogin() {
    try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the login of the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public String host() {
    return "127.0.0.1";
  }

  /** A login in the RDS secret format, as the pipeline reads it from Secrets Manager. */
  public String secretJson(String database) {
    return "{\"engine\":\"postgres\",\"host\":\"" + host() + "\",\"port\":" + port() + ",\"username\":\"" + USER
        + "\",\"password\":\"" + PASSWORD + "\",\"dbname\":\"" + database + "\"}";
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
  }

  /** A connection as {@link #USER}, autocommit on. */
  public Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", PASSWORD);
    p.setProperty("sslmode", "disable");
    p.setProperty("reWriteBatchedInserts", "true");
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  private Connection superuser(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", SUPERUSER);
    p.setProperty("sslmode", "disable");
    return DriverManager.getConnection(jdbcUrl(database), p);
  }

  /** Drops and creates a database (UTF-8, C collation order, as RDS's default template gives). */
  public void recreateDatabase(String database) throws SQLException {
    try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
      String q = "\"" + database.replace("\"", "\"\"") + "\"";
      s.execute("DROP DATABASE IF EXISTS " + q + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + q + " OWNER " + USER + " ENCODING 'UTF8' TEMPLATE template0");
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    } finally {
      try (var files = Files.list(configDir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(configDir);
      } catch (IOException ignored) {
        // A temporary folder: the next boot's cleaner takes it.
      }
    }
  }
}
