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
 * server itself (its session handler counters and its global Rows_read), on tables of 300,000 rows.
 */
class ValueSampleBoundTest {
  private static final LocalStack stack = LocalStack.get();
  private static final int ROWS = 300_000;

  @BeforeAll
  static void load() throws Exception {
    stack.database("bigscan",
        "CREATE TABLE events (id BIGINT PRIMARY KEY, memo VARCHAR(200), kind VARCHAR(10))",
        "INSERT INTO events SELECT seq, CONCAT('event ', seq, ' ok'), 'x' FROM seq_1_to_" + ROWS,
        "CREATE TABLE heap (memo VARCHAR(200))",
        "INSERT INTO heap SELECT CONCAT('line ', seq) FROM seq_1_to_" + ROWS);
  }

  /** Rows the server's handlers read in this session so far. */
  private static long handlerReads(Connection c) throws SQLException {
    long sum = 0;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read%'")) {
      while (rs.next()) {
        sum += rs.getLong(2);
      }
    }
    return sum;
  }

  /** MariaDB's count of row reads by every session, temporary tables excluded. */
  private static long rowsRead() throws SQLException {
    try (Connection c = stack.mysql.connect("bigscan"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Rows_read'")) {
      assertTrue(rs.next(), "the server counts rows read");
      return rs.getLong(2);
    }
  }

  private static TableSchema schema(Connection c, String table) throws SQLException {
    return new MySqlSchemas(c).read("bigscan", table);
  }

  @Test
  void theSampleReadsAtMostItsBoundFromBothEndsOfTheKey() throws Exception {
    try (Connection c = stack.mysql.connect("bigscan")) {
      TableSchema events = schema(c, "events");
      List<String> values = new ArrayList<>();
      long before = handlerReads(c);
      ValueSampler.Stats stats = new MySqlValueSampler(c).sample(events, List.of(events.column("memo")), 1000, 5000,
          4096, (i, v) -> values.add(v));
      long read = handlerReads(c) - before;
      assertEquals(1000, stats.rows());
      assertTrue(read <= 1000 + 4, "handler reads for a 1,000-row sample of " + ROWS + " rows: " + read);
      assertTrue(values.contains("event 1 ok") && values.contains("event " + ROWS + " ok"), "both ends are sampled");
      assertTrue(values.contains("event 500 ok") && !values.contains("event 501 ok"), "half from the lowest keys");
    }
  }

  @Test
  void aTableWithoutPrimaryKeyGivesItsFirstRowsOnly() throws Exception {
    try (Connection c = stack.mysql.connect("bigscan")) {
      TableSchema heap = schema(c, "heap");
      AtomicInteger n = new AtomicInteger();
      long before = handlerReads(c);
      new MySqlValueSampler(c).sample(heap, List.of(heap.column("memo")), 700, 5000, 4096, (i, v) -> n.incrementAndGet());
      long read = handlerReads(c) - before;
      assertEquals(700, n.get());
      assertTrue(read <= 700 + 4, "handler reads: " + read);
    }
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
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("bigscan"));
    RunPlanner planner = new RunPlanner(config, new MySqlSource(login, config.source()),
        MaskingPolicy.parse("m.yaml", "databases: {}"), stack.store(config.bucket()), Clock.systemUTC());
    long before = rowsRead();
    RunPlan plan = planner.plan(PlanInput.empty());
    long read = rowsRead() - before;
    assertEquals(2, plan.tableCount());
    // Two tables, 2,000 rows each at most, against 600,000 rows held.
    assertTrue(read <= 2 * 2000 + 10, "rows read by the whole plan: " + read);
    // The control: the same counter sees a full read of one table.
    long beforeScan = rowsRead();
    try (Connection c = stack.mysql.connect("bigscan"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(memo) FROM heap")) {
      rs.next();
    }
    assertTrue(rowsRead() - beforeScan >= ROWS, "a full scan counts every row");
  }
}
