package dev.rds2bq.source.mysql;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.SourceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Properties;

/**
 * Connector/J connections to the replica, and its errors in the project's classes. Connections are
 * read-only and in UTC, and stream results through the binary protocol (server-side prepared
 * statements), the fastest single-connection read measured here (docs/benchmarks.md).
 */
final class MySqlConnections {
  private final DatabaseSecret login;
  private final SourceConfig config;
  private final Path trustStore;

  MySqlConnections(DatabaseSecret login, SourceConfig config) {
    this.login = login;
    this.config = config;
    this.trustStore = config.tls() == TlsMode.VERIFY ? trustStoreFromPem(Path.of(config.caBundle())) : null;
  }

  /** Seconds an export session waits for a lock before it fails (and the range is retried). */
  static final int LOCK_WAIT_SECONDS = 5;

  String endpoint() {
    return login.host() + ":" + login.port();
  }

  /** A connection to {@code database}, already inside a consistent read-only snapshot. */
  Connection openSnapshot(String database) {
    Connection c = open(database);
    try (Statement s = c.createStatement()) {
      s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw translate(e, database);
    }
  }

  /** A read-only connection to {@code database} with every setting of the export, outside any snapshot. */
  Connection open(String database) {
    Properties p = new Properties();
    p.setProperty("user", login.username());
    p.setProperty("password", login.password());
    p.setProperty("characterEncoding", "UTF-8");
    // Without this the server sends latin1 (and other) columns in their own charset; text is
    // written to Parquet without decoding, so it must arrive as UTF-8.
    p.setProperty("characterSetResults", "UTF-8");
    p.setProperty("connectionTimeZone", "UTC");
    p.setProperty("forceConnectionTimeZoneToSession", "true");
    p.setProperty("preserveInstants", "true");
    p.setProperty("useServerPrepStmts", "true");
    p.setProperty("useCursorFetch", "false");
    p.setProperty("zeroDateTimeBehavior", "EXCEPTION");
    p.setProperty("tinyInt1isBit", "false");
    p.setProperty("transformedBitIsBoolean", "false");
    p.setProperty("yearIsDateType", "false");
    p.setProperty("useInformationSchema", "true");
    p.setProperty("connectTimeout", String.valueOf(config.connectTimeoutSeconds() * 1000));
    p.setProperty("socketTimeout", String.valueOf(config.socketTimeoutSeconds() * 1000));
    p.setProperty("netTimeoutForStreamingResults", String.valueOf(Math.max(600, config.socketTimeoutSeconds())));
    p.setProperty("readOnlyPropagatesToServer", "true");
    // A read that waits behind a schema change's metadata lock gives up after 5 s (retried with the
    // range) instead of spending the export's time in the queue; see docs/sources.md.
    p.setProperty("sessionVariables", "lock_wait_timeout=" + LOCK_WAIT_SECONDS + ",innodb_lock_wait_timeout="
        + LOCK_WAIT_SECONDS);
    if (trustStore != null) {
      p.setProperty("sslMode", "VERIFY_IDENTITY");
      p.setProperty("trustCertificateKeyStoreUrl", trustStore.toUri().toString());
      p.setProperty("trustCertificateKeyStoreType", "PKCS12");
      p.setProperty("trustCertificateKeyStorePassword", "rds2bq");
      p.setProperty("fallbackToSystemTrustStore", "false");
    } else {
      p.setProperty("sslMode", "DISABLED");
      p.setProperty("allowPublicKeyRetrieval", "true");
    }
    // The database is chosen after connecting (USE with the name quoted), never written into the URL,
    // where a name such as "db?allowLoadLocalInfile=true" would become connection properties.
    String url = "jdbc:mysql://" + login.host() + ":" + login.port() + "/";
    try {
      Connection c = DriverManager.getConnection(url, p);
      try {
        c.setCatalog(database);
        c.setReadOnly(true);
      } catch (SQLException e) {
        closeQuietly(c);
        throw e;
      }
      return c;
    } catch (SQLException e) {
      throw translate(e, database);
    }
  }

  /** A read of the driver, which may fail with its own exception. */
  interface Read<T> {
    T run() throws SQLException;
  }

  /** Runs {@code read}, its driver errors translated ({@link #translate}). */
  <T> T translating(String database, Read<T> read) {
    try {
      return read.run();
    } catch (SQLException e) {
      throw translate(e, database);
    }
  }

  /** Maps driver errors to the ASL's error classes; messages carry the endpoint, never the login. */
  RuntimeException translate(SQLException e, String database) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    int code = e.getErrorCode();
    if (trustStore != null) {
      RuntimeException refused = tlsRefusal(e, state);
      if (refused != null) {
        return refused;
      }
    }
    if (code == 1045 || state.startsWith("28")) {
      return new ConfigException("the source " + endpoint() + " refused the login of the configured secret;"
          + " check its username and password");
    }
    if (code == 1049) {
      return new InvalidInputException("database '" + database + "' does not exist on " + endpoint());
    }
    if (code == 1044 || code == 1142 || code == 1143) {
      return new ConfigException("the source login may not read '" + database + "' on " + endpoint()
          + "; grant it SELECT (" + e.getMessage() + ")");
    }
    return new SourceUnavailableException("source " + endpoint() + " failed (SQLState " + state + ", code " + code
        + "): " + e.getMessage(), e);
  }

  /**
   * A TLS handshake the connector refused reaches here as a "communications link failure", which
   * would be retried as an outage; it is a setting to fix instead. The certificate checks' own
   * exception classes tell which one.
   */
  private RuntimeException tlsRefusal(SQLException e, String state) {
    boolean certificate = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertPathValidatorException
          || t instanceof java.security.cert.CertPathBuilderException) {
        return new ConfigException("the source " + endpoint() + " presented a TLS certificate that no CA in"
            + " source.caBundle (" + config.caBundle() + ") signed; use the CA bundle of the database's region"
            + " (docs/configuration.md#tls)");
      }
      certificate |= t instanceof java.security.cert.CertificateException;
    }
    if (certificate) {
      // Signed by a trusted CA (no path failure above), so the names are what failed.
      return new ConfigException("the source " + endpoint() + " presented a TLS certificate that is not for the host"
          + " name '" + login.host() + "'; the secret's host must be a name the certificate lists (for RDS the"
          + " instance or proxy endpoint, not an IP address or a CNAME)");
    }
    if (state.equals("08001") && String.valueOf(e.getMessage()).contains("SSL")) {
      return new ConfigException("the source " + endpoint() + " does not offer TLS, and tls: verify never connects"
          + " without it; turn TLS on at the server (RDS always offers it)");
    }
    return null;
  }

  /** Connector/J wants a key store; RDS ships its CAs as a PEM bundle, so build one at start-up. */
  private static Path trustStoreFromPem(Path pem) {
    if (!Files.isReadable(pem)) {
      throw new ConfigException("config key 'source.caBundle': cannot read the CA bundle " + pem
          + "; download the RDS bundle for your region (docs/configuration.md) or set tls: disabled for a local server");
    }
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ConfigException("config key 'source.caBundle': " + pem + " holds no PEM certificate");
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate cert : certs) {
        ks.setCertificateEntry("rds-ca-" + i++, cert);
      }
      Path store = Files.createTempFile("rds2bq-truststore", ".p12");
      try (OutputStream out = Files.newOutputStream(store)) {
        ks.store(out, "rds2bq".toCharArray());
      }
      store.toFile().deleteOnExit();
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("config key 'source.caBundle': " + pem + " is not a PEM certificate bundle: " + e.getMessage());
    }
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // Closing a broken connection: nothing to add to the first error.
    }
  }
}
