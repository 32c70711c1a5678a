package dev.rds2bq.source.postgres;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.SourceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * pgjdbc connections to the replica, and its errors in the project's classes. Every connection is
 * read-only ({@code readOnlyMode=always}: even a catalog query runs in a read-only transaction), in
 * UTC, with ISO 8601 intervals, and keeps the server's error details (which can quote a value) out
 * of its messages.
 */
final class PostgresConnections {
  private final DatabaseSecret login;
  private final SourceConfig config;
  private final String database;
  private final Path caBundle;

  PostgresConnections(DatabaseSecret login, SourceConfig config) {
    this.login = login;
    this.config = config;
    this.database = config.database() != null ? config.database() : login.dbname();
    if (database == null || database.isBlank()) {
      throw new ConfigException("a PostgreSQL source needs its database: set the source's 'database' key, or"
          + " 'dbname' in its secret '" + config.secretId() + "'");
    }
    this.caBundle = config.tls() == TlsMode.VERIFY ? checkedBundle(Path.of(config.caBundle())) : null;
  }

  String endpoint() {
    return login.host() + ":" + login.port() + "/" + database;
  }

  /** The PostgreSQL database every connection opens; its schemas are the source's databases. */
  String database() {
    return database;
  }

  /**
   * A connection inside a {@code REPEATABLE READ READ ONLY} transaction: everything it reads sees
   * one snapshot, taken at its first query. Autocommit is off, which also lets a fetch size stream
   * a result through a server-side cursor.
   */
  Connection openSnapshot(String schema) {
    Connection c = open(schema);
    try {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw translate(e, schema);
    }
  }

  /** A read-only connection with every setting of the export, autocommit on. */
  Connection open(String schema) {
    Properties p = new Properties();
    p.setProperty("user", login.username());
    p.setProperty("password", login.password());
    p.setProperty("ApplicationName", "rds2bq");
    p.setProperty("readOnly", "true");
    p.setProperty("readOnlyMode", "always");
    p.setProperty("connectTimeout", String.valueOf(config.connectTimeoutSeconds()));
    p.setProperty("socketTimeout", String.valueOf(config.socketTimeoutSeconds()));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("gssEncMode", "disable");
    // The server's DETAIL and WHERE lines can quote a row's values; the SQLState and message say enough.
    p.setProperty("logServerErrorDetail", "false");
    // One statement per export: prepare it server-side and read binary from the first execution
    // (docs/benchmarks.md measures both transfers).
    p.setProperty("prepareThreshold", "-1");
    if (caBundle != null) {
      p.setProperty("sslmode", "verify-full");
      p.setProperty("sslrootcert", caBundle.toString());
    } else {
      p.setProperty("sslmode", "disable");
    }
    // The database goes into the URL, so it must not be able to add parameters to it.
    String url = "jdbc:postgresql://" + hostForUrl() + ":" + login.port() + "/"
        + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    try {
      Connection c = DriverManager.getConnection(url, p);
      try (Statement s = c.createStatement()) {
        // timestamptz is read as its UTC wall-clock value; intervals print as ISO 8601 durations.
        s.execute("SET TimeZone = 'UTC'");
        s.execute("SET IntervalStyle = 'iso_8601'");
        for (String limit : sessionLimits()) {
          s.execute(limit);
        }
      } catch (SQLException e) {
        closeQuietly(c);
        throw e;
      }
      return c;
    } catch (SQLException e) {
      throw translate(e, schema);
    }
  }

  /**
   * Limits that keep an export from holding back the database the application uses
   * (docs/sources.md#the-postgresql-implementation): a wait for a table lock (behind a schema change)
   * gives up after {@link #LOCK_TIMEOUT_MS} rather than spend the export's time limit, and is
   * retried; a session left idle inside its snapshot (a Lambda frozen or killed
   * mid-export), which would hold back vacuum on a primary and replay on a replica with
   * hot_standby_feedback, is ended by the server after the socket timeout; one statement (a cursor
   * fetch, a count) may run as long as the socket timeout.
   */
  List<String> sessionLimits() {
    List<String> limits = new java.util.ArrayList<>();
    limits.add("SET lock_timeout = " + LOCK_TIMEOUT_MS);
    long socketMs = config.socketTimeoutSeconds() * 1000L;
    if (socketMs > 0) {
      limits.add("SET statement_timeout = " + socketMs);
      limits.add("SET idle_in_transaction_session_timeout = " + socketMs);
    }
    return limits;
  }

  /** How long a read waits for a table lock before it gives up (and is retried as a transient fault). */
  static final int LOCK_TIMEOUT_MS = 5_000;

  private String hostForUrl() {
    String host = login.host();
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** A read of the driver, which may fail with its own exception. */
  interface Read<T> {
    T run() throws SQLException;
  }

  /** Runs {@code read}, its driver errors translated ({@link #translate}). */
  <T> T translating(String schema, Read<T> read) {
    try {
      return read.run();
    } catch (SQLException e) {
      throw translate(e, schema);
    }
  }

  /** Maps driver errors to the ASL's error classes; messages carry the endpoint, never the login. */
  RuntimeException translate(SQLException e, String schema) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (caBundle != null) {
      RuntimeException refused = tlsRefusal(e, state);
      if (refused != null) {
        return refused;
      }
    }
    if (state.startsWith("28")) {
      return new ConfigException("the source " + endpoint() + " refused the login of the configured secret;"
          + " check its username and password");
    }
    if (state.equals("3D000")) {
      return new ConfigException("database '" + database + "' does not exist on " + login.host() + ":" + login.port()
          + "; set the source's 'database' key (or the secret's dbname) to one the server has");
    }
    if (state.equals("3F000")) {
      return new InvalidInputException("schema '" + schema + "' does not exist in " + endpoint());
    }
    if (state.equals("42501")) {
      return new ConfigException("the source login may not read schema '" + schema + "' on " + endpoint()
          + "; grant it USAGE on the schema and SELECT on its tables");
    }
    if (state.equals("55P03")) {
      return new SourceUnavailableException("source " + endpoint() + ": a read of schema '" + schema + "' waited more"
          + " than " + LOCK_TIMEOUT_MS / 1000 + " s for a table lock (a schema change holds it) and gave up; it is"
          + " retried", e);
    }
    if (state.equals("40001") || state.equals("57014")) {
      // A hot standby cancels a query that holds back replay (max_standby_streaming_delay) with 40001.
      return new SourceUnavailableException("source " + endpoint() + " cancelled the read (SQLState " + state + "): "
          + firstLine(e) + (state.equals("40001") ? "; on a replica, raise max_standby_streaming_delay or turn on"
          + " hot_standby_feedback so that long exports are not cancelled by replay" : ""), e);
    }
    return new SourceUnavailableException("source " + endpoint() + " failed (SQLState " + state + "): "
        + firstLine(e), e);
  }

  private static String firstLine(SQLException e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  /**
   * pgjdbc reports a refused TLS handshake as a connection failure, which would be retried as an
   * outage; it is a setting to fix instead. The certificate checks' exception classes and pgjdbc's
   * own messages tell which one.
   */
  private RuntimeException tlsRefusal(SQLException e, String state) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertPathValidatorException
          || t instanceof java.security.cert.CertPathBuilderException) {
        return new ConfigException("the source " + endpoint() + " presented a TLS certificate that no CA in"
            + " source.caBundle (" + config.caBundle() + ") signed; use the CA bundle of the database's region"
            + " (docs/configuration.md#tls)");
      }
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("could not be verified by hostnameverifier")) {
      return new ConfigException("the source " + endpoint() + " presented a TLS certificate that is not for the host"
          + " name '" + login.host() + "'; the secret's host must be a name the certificate lists (for RDS the"
          + " instance or proxy endpoint, not an IP address or a CNAME)");
    }
    if (state.equals("08004") && message.contains("does not support SSL")) {
      return new ConfigException("the source " + endpoint() + " does not offer TLS, and tls: verify never connects"
          + " without it; turn TLS on at the server (RDS always offers it)");
    }
    return null;
  }

  /** pgjdbc reads the PEM bundle itself; it is checked once here so a bad path fails at start-up. */
  private static Path checkedBundle(Path pem) {
    if (!Files.isReadable(pem)) {
      throw new ConfigException("config key 'source.caBundle': cannot read the CA bundle " + pem
          + "; download the RDS bundle for your region (docs/configuration.md) or set tls: disabled for a local server");
    }
    try (InputStream in = Files.newInputStream(pem)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new ConfigException("config key 'source.caBundle': " + pem + " holds no PEM certificate");
      }
      return pem.toAbsolutePath();
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("config key 'source.caBundle': " + pem + " is not a PEM certificate bundle: "
          + e.getMessage());
    }
  }

  static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Closing after the outcome is known: nothing to add to the first error.
      }
    }
  }
}
