package dev.rds2bq.source.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.plan.RunPlanner;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.ValueSampler;
import dev.rds2bq.testing.LocalStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The value scan reads no more rows than its bound, whatever the table's size: counted by the
 * server itself, on tables of 300,000 rows, as the rows read by logins of this test's own (MariaDB's
 * user statistics), which no other test's queries move. Not the server-wide Rows_read, nor the
 * session's Handler_read counters, which the SHOW STATUS that reads them moves too.
 */
class ValueSampleBoundTest {
  private static final LocalStack stack = LocalStack.get();
  private static final int ROWS = 300_000;

  @BeforeAll
  static void load() throws Exception {
    try (Connection c = stack.mysql.connect(null); Statement s = c.createStatement()) {
      // Per-login statistics; collecting them changes no other test's counters.
      s.execute("SET GLOBAL userstat = 1");
    }
    stack.ownLogin(USER, "bigscan", stack.mysql.port());
    stack.database("bigscan",
        "CREATE TABLE events (id BIGINT PRIMARY KEY, memo VARCHAR(200), kind VARCHAR(10))",
        "INSERT INTO events SELECT seq, CONCAT('event ', seq, ' ok'), 'x' FROM seq_1_to_" + ROWS,
        "CREATE TABLE heap (memo VARCHAR(200))",
        "INSERT INTO heap SELECT CONCAT('line ', seq) FROM seq_1_to_" + ROWS);
  }

  private static final String USER = "bound_scan";

  /** A connection of {@code user}, a login of this test's own. */
  private static Connection login(String user) throws SQLException {
    return java.sql.DriverManager.getConnection("jdbc:mysql://" + stack.mysql.host() + ":" + stack.mysql.port()
        + "/bigscan?sslMode=DISABLED&allowPublicKeyRetrieval=true", user, "pw-" + user);
  }

  /**
   * Rows the server read for {@code user}'s connections (information_schema.USER_STATISTICS, kept
   * while userstat is on), once none of them is left: the server counts a statement's rows after it
   * has sent the result, so a count read while the connection is still there could miss the last
   * one. The login is this test's alone, so no other test moves the count.
   */
  private static long rowsReadBy(String user) throws Exception {
    try (Connection c = stack.mysql.connect("bigscan"); Statement s = c.createStatement()) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (true) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
            + user + "'")) {
          rs.next();
          if (rs.getLong(1) == 0) {
            break;
          }
        }
        assertTrue(System.nanoTime() < deadline, user + "'s connections did not end within 10 s");
        Thread.sleep(10);
      }
      try (ResultSet rs = s.executeQuery("SELECT ROWS_READ FROM information_schema.USER_STATISTICS WHERE USER = '"
          + user + "'")) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static TableSchema schema(Connection c, String table) throws SQLException {
    return new MySqlSchemas(c).read("bigscan", table);
  }

  @Test
  void theSampleReadsAtMostItsBoundFromBothEndsOfTheKey() throws Exception {
    List<String> values = new ArrayList<>();
    long before = rowsReadBy(USER);
    ValueSampler.Stats stats;
    try (Connection c = login(USER)) {
      TableSchema events = schema(c, "events");
      stats = new MySqlValueSampler(c).sample(events, List.of(events.column("memo")), 1000, 5000, 4096,
          (i, v) -> values.add(v));
    }
    long read = rowsReadBy(USER) - before;
    assertEquals(1000, stats.rows());
    // Exactly the rows taken: reading the catalog (information_schema) reads no table rows.
    assertEquals(1000, read, "rows read for a 1,000-row sample of " + ROWS + " rows");
    assertTrue(values.contains("event 1 ok") && values.contains("event " + ROWS + " ok"), "both ends are sampled");
    assertTrue(values.contains("event 500 ok") && !values.contains("event 501 ok"), "half from the lowest keys");
  }

  @Test
  void aTableWithoutPrimaryKeyGivesItsFirstRowsOnly() throws Exception {
    AtomicInteger n = new AtomicInteger();
    long before = rowsReadBy(USER);
    try (Connection c = login(USER)) {
      TableSchema heap = schema(c, "heap");
      new MySqlValueSampler(c).sample(heap, List.of(heap.column("memo")), 700, 5000, 4096, (i, v) -> n.incrementAndGet());
    }
    long read = rowsReadBy(USER) - before;
    assertEquals(700, n.get());
    assertEquals(700, read, "rows read");
  }

  @Test
  void aValueIsCutToItsCharacterBoundByTheServer() throws Exception {
    try (Connection c = stack.mysql.connect("bigscan")) {
      TableSchema events = schema(c, "events");
      List<String> values = new ArrayList<>();
      new MySqlValueSampler(c).sample(events, List.of(events.column("memo")), 10, 5000, 5, (i, v) -> values.add(v));
      assertTrue(values.stream().allMatch(v -> v.length() <= 5), values.toString());
    }
  }

  @Test
  void aWholePlanReadsNoMoreThanTheBoundFromTheBigTable() throws Exception {
    PipelineConfig config = LocalStack.config(stack.bucket("bigscan"),
        "databases: [bigscan]\nmasking: {policyFile: m.yaml, valueScan: {sampleRows: 2000}}\n");
    String user = "bound_plan";
    DatabaseSecret login = DatabaseSecret.parse("s", stack.ownLogin(user, "bigscan", stack.mysql.port()));
    RunPlanner planner = new RunPlanner(config, new MySqlSource(login, config.source()),
        MaskingPolicy.parse("m.yaml", "databases: {}"), stack.store(config.bucket()), Clock.systemUTC());
    long before = rowsReadBy(user);
    RunPlan plan = planner.plan(PlanInput.empty());
    long read = rowsReadBy(user) - before;
    assertEquals(2, plan.tableCount());
    // Two tables, 2,000 rows each, against 600,000 rows held: the catalog (information_schema) and
    // the optimizer's estimates read no table rows.
    assertEquals(2 * 2000, read, "rows read by the whole plan");
    // The control: the same login's counter sees a full read of one table.
    long beforeScan = rowsReadBy(user);
    try (Connection c = login(user); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(memo) FROM heap")) {
      rs.next();
    }
    assertEquals(ROWS, rowsReadBy(user) - beforeScan, "a full scan counts every row");
  }
}
