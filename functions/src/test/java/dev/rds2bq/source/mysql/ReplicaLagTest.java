package dev.rds2bq.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.error.SourceBusyException;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.source.ReplicaLag;
import dev.rds2bq.source.SourceSnapshot;
import dev.rds2bq.testing.LocalStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/sources.md#replica-lag, on real replication: a MariaDB replica of a MariaDB primary, both
 * embedded. An export reads the replica's lag before any row; a replica whose replication is stopped,
 * or that is further behind than {@code maxReplicaLagSeconds}, is left alone with a
 * {@link SourceBusyException} (which the state machine retries minutes later), and the export that
 * finally runs reports how often its range was put off.
 */
class ReplicaLagTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {lagdb: {tables: {}}}";
  private static final ExportRequest REQUEST = new ExportRequest("lag-1", "1", "2026-11-26", "lagdb", "t", null);
  private static EmbeddedMySql primary;
  private static EmbeddedMySql replica;

  @BeforeAll
  static void start() throws Exception {
    primary = EmbeddedMySql.startPrimary();
    replica = EmbeddedMySql.startReplicaOf(primary);
    primary.recreateDatabase("lagdb");
    try (Connection c = primary.connect("lagdb"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
      s.execute("INSERT INTO t SELECT seq, CONCAT('v', seq) FROM seq_1_to_500");
      s.execute("CREATE TABLE late (id INT PRIMARY KEY)");
    }
    awaitRows("t", 500);
  }

  @AfterAll
  static void stop() {
    replica.close();
    primary.close();
  }

  @Test
  void aReplicaReportsHowFarBehindItIsAndAPrimaryThatItIsNone() {
    ReplicaLag lag = lagOf(replica);
    assertEquals(ReplicaLag.State.BEHIND, lag.state(), lag.toString());
    assertTrue(lag.seconds() <= 1, lag.toString());
    assertTrue(lag.evidence().startsWith("Seconds_Behind_Master = "), lag.evidence());
    assertTrue(source(replica).readOnly().readOnly(), "the replica is read-only, as an RDS replica is");

    ReplicaLag none = lagOf(primary);
    assertEquals(ReplicaLag.State.NOT_A_REPLICA, none.state(), none.toString());
  }

  @Test
  void anExportIsPutOffWhileReplicationIsStoppedAndThenRunsReportingItsWaits() throws Exception {
    String bucket = stack.bucket("replica-stopped");
    TableExporter exporter = exporter(bucket, 300);
    replica.execute("STOP REPLICA SQL_THREAD");
    try {
      assertEquals(ReplicaLag.State.STOPPED, lagOf(replica).state());
      SourceBusyException first = assertThrows(SourceBusyException.class, () -> exporter.export(REQUEST));
      assertEquals("lagdb.t range full: the source 127.0.0.1:" + replica.port() + " is a replica whose replication"
          + " is stopped (Seconds_Behind_Master is NULL: replication is not running (Slave_SQL_Running: No,"
          + " Slave_IO_Running: Yes)); nothing was read, and the state machine tries again later (wait 1). If it"
          + " stays behind, fix its replication or raise the limit", first.getMessage());
      SourceBusyException second = assertThrows(SourceBusyException.class, () -> exporter.export(REQUEST));
      assertTrue(second.getMessage().contains("(wait 2)"), second.getMessage());
      String folder = new BucketLayout("exports").runFolder(REQUEST);
      assertNull(stack.store(bucket).get(folder + BucketLayout.resultKey("full")), "no result while put off");
      assertTrue(stack.store(bucket).list(folder).stream().noneMatch(o -> o.key().endsWith(".parquet")),
          "no file while put off");
    } finally {
      replica.execute("START REPLICA SQL_THREAD");
    }

    ExportResult result = exporter.export(REQUEST);
    assertEquals(500, result.rowsWritten());
    assertEquals(2, result.sourceWaits(), "the range was put off twice");
    assertTrue(result.replicaLag().startsWith("Seconds_Behind_Master = "), result.replicaLag());
  }

  @Test
  void aReplicaFurtherBehindThanTheLimitIsPutOff() throws Exception {
    // Delayed replication holds each event back: once a row is written on the primary, the replica
    // falls behind by a second per second, as a replica does under a long write burst.
    replica.execute("STOP REPLICA");
    replica.execute("CHANGE MASTER TO MASTER_DELAY=3600");
    replica.execute("START REPLICA");
    try {
      try (Connection c = primary.connect("lagdb"); Statement s = c.createStatement()) {
        s.execute("INSERT INTO late VALUES (1)");
      }
      ReplicaLag lag = lagOf(replica);
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!(lag.state() == ReplicaLag.State.BEHIND && lag.seconds() >= 2) && System.nanoTime() < deadline) {
        Thread.sleep(250);
        lag = lagOf(replica);
      }
      assertEquals(ReplicaLag.State.BEHIND, lag.state(), lag.toString());
      assertTrue(lag.seconds() >= 2, lag.toString());

      SourceBusyException busy = assertThrows(SourceBusyException.class,
          () -> exporter(stack.bucket("replica-behind"), 1).export(REQUEST));
      assertTrue(busy.getMessage().matches("lagdb\\.t range full: the source 127\\.0\\.0\\.1:\\d+ is a replica \\d+ s"
          + " behind its primary, over source\\.maxReplicaLagSeconds 1 \\(Seconds_Behind_Master = \\d+\\); nothing"
          + " was read, .*"), busy.getMessage());
      assertEquals(500, exporter(stack.bucket("replica-behind-ok"), 3600).export(REQUEST).rowsWritten(),
          "within a wider limit the same replica is read, as of what it has replayed");
    } finally {
      replica.execute("STOP REPLICA");
      replica.execute("CHANGE MASTER TO MASTER_DELAY=0");
      replica.execute("START REPLICA");
    }
    awaitRows("late", 1);
  }

  private static TableExporter exporter(String bucket, int maxLagSeconds) {
    PipelineConfig config = PipelineConfig.parse("test-config", "bucket: " + bucket + "\nprefix: exports\n"
        + "source: {secretId: " + LocalStack.SOURCE_SECRET + ", tls: disabled, maxReplicaLagSeconds: " + maxLagSeconds
        + "}\nmasking: {policyFile: masking.yaml}\ndatabases: [lagdb]\n");
    return stack.exporterWithLogin(config, replica.secretJson("lagdb"), POLICY);
  }

  private static MySqlSource source(EmbeddedMySql server) {
    return new MySqlSource(DatabaseSecret.parse("s", server.secretJson("lagdb")),
        new SourceConfig("s", TlsMode.DISABLED, null, 5, 30));
  }

  private static ReplicaLag lagOf(EmbeddedMySql server) {
    try (SourceSnapshot snapshot = source(server).snapshot("lagdb")) {
      return snapshot.replicaLag();
    }
  }

  private static void awaitRows(String table, int rows) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Connection c = replica.connect(null); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM lagdb." + table)) {
        rs.next();
        if (rs.getInt(1) == rows) {
          return;
        }
      } catch (SQLException notYet) {
        // The database may not have replicated yet.
      }
      Thread.sleep(100);
    }
    String status;
    try (Connection c = replica.connect(null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
      status = rs.next() ? "IO " + rs.getString("Slave_IO_Running") + " " + rs.getString("Last_IO_Error") + ", SQL "
          + rs.getString("Slave_SQL_Running") + " " + rs.getString("Last_SQL_Error") : "no replica status";
    }
    throw new AssertionError("the replica did not reach " + rows + " rows in 30 s: " + status);
  }
}
