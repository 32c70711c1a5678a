package dev.rds2bq.export;

import dev.rds2bq.handler.Engines;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.ExportRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.error.Rds2bqException;
import dev.rds2bq.error.SourceUnavailableException;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.testing.LocalStack;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error naming what is wrong, and nothing reaches S3. */
class BadInputTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {shop: {tables: {orders: {columns: {}}}}}";
  private static String bucket;
  private static PipelineConfig config;

  @BeforeAll
  static void load() throws Exception {
    stack.database("shop", "CREATE TABLE orders (id INT PRIMARY KEY, total DECIMAL(8,2))",
        "INSERT INTO orders VALUES (1, 9.99), (2, 20.00)");
    bucket = stack.bucket("bad-input");
    config = LocalStack.config(bucket, "");
  }

  private static <T extends Rds2bqException> T fails(Class<T> type, ExportRequest request) {
    T e = assertThrows(type, () -> stack.exporter(config, "shop", POLICY).export(request));
    assertEquals(List.of(), stack.store(bucket).list(""), "nothing may be written");
    return e;
  }

  @Test
  void unknownTableListsTheTablesThatExist() {
    String m = fails(InvalidInputException.class, new ExportRequest("r1", "1", "2026-11-26", "shop", "order", null)).getMessage();
    assertTrue(m.contains("'shop.order' is not a base table") && m.contains("orders"), m);
  }

  @Test
  void injectionInATableNameIsJustAnUnknownTable() throws Exception {
    fails(InvalidInputException.class, new ExportRequest("r1", "1", "2026-11-26", "shop", "orders`; DROP TABLE orders; --", null));
    fails(InvalidInputException.class, new ExportRequest("r1", "1", "2026-11-26", "shop", "orders' OR '1'='1", null));
    try (Connection c = stack.mysql.connect("shop"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
      rs.next();
      assertEquals(2, rs.getInt(1), "the table is intact");
    }
  }

  @Test
  void unknownDatabaseAndMalformedRequestFields() {
    assertTrue(fails(InvalidInputException.class, new ExportRequest("r1", "1", "2026-11-26", "nope", "orders", null))
        .getMessage().contains("'nope'"));
    assertTrue(fails(InvalidInputException.class, new ExportRequest("r1", "1", "26/11/2026", "shop", "orders", null))
        .getMessage().contains("runDate must be YYYY-MM-DD"));
    assertTrue(fails(InvalidInputException.class, new ExportRequest("../etc", "1", "2026-11-26", "shop", "orders", null))
        .getMessage().contains("runId"));
    assertTrue(fails(InvalidInputException.class,
        new ExportRequest("r1", "1", "2026-11-26", "shop", "orders", new KeyRange(0, "total", "1", "5")))
        .getMessage().contains("not the first primary-key column 'id'"));
    assertTrue(fails(InvalidInputException.class,
        new ExportRequest("r1", "1", "2026-11-26", "shop", "orders", new KeyRange(0, "id", "one", null)))
        .getMessage().contains("the lower bound of range 0 does not fit key column 'id'"));
    assertFalse(fails(InvalidInputException.class,
        new ExportRequest("r1", "1", "2026-11-26", "shop", "orders", new KeyRange(0, "id", "1", "ann@example.com")))
        .getMessage().contains("ann@example.com"), "a bound is never quoted: a key can be personal");
  }

  @Test
  void missingSecretFieldNamesTheFieldNotTheValue() {
    Map<String, String> secrets = Map.of(LocalStack.SOURCE_SECRET, "{\"host\":\"127.0.0.1\",\"password\":\"s3cr3t-pw\"}");
    ConfigException e = assertThrows(ConfigException.class, () -> new Engines(config, new MapSecretSource(secrets),
        stack.store(bucket)).exporter(MaskingPolicy.parse("m.yaml", POLICY), ExportListener.NONE));
    assertTrue(e.getMessage().contains("'username'"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t-pw"));
  }

  @Test
  void brokenPolicyFailsBeforeAnyRowIsRead() {
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class,
        () -> stack.exporter(config, "shop", "databases: {shop: {tables: {orders: {columns: {totl: drop}}}}}")
            .export(new ExportRequest("r1", "1", "2026-11-26", "shop", "orders", null)));
    assertTrue(e.getMessage().contains("no column 'totl'"), e.getMessage());
    assertEquals(List.of(), stack.store(bucket).list(""));
  }

  @Test
  void unreachableServerIsTransientAndNamesTheEndpoint() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Map<String, String> secrets = Map.of(LocalStack.SOURCE_SECRET,
        "{\"host\":\"127.0.0.1\",\"port\":" + closedPort + ",\"username\":\"u\",\"password\":\"pw-never-logged\"}");
    TableExporter exporter = new Engines(config, new MapSecretSource(secrets), stack.store(bucket))
        .exporter(MaskingPolicy.parse("m.yaml", POLICY), ExportListener.NONE);
    SourceUnavailableException e = assertThrows(SourceUnavailableException.class,
        () -> exporter.export(new ExportRequest("r1", "1", "2026-11-26", "shop", "orders", null)));
    assertTrue(e.isTransient());
    assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
    assertFalse(e.getMessage().contains("pw-never-logged"));
  }

  @Test
  void wrongPasswordIsAConfigErrorWithoutThePassword() {
    Map<String, String> secrets = Map.of(LocalStack.SOURCE_SECRET, "{\"host\":\"127.0.0.1\",\"port\":" + stack.mysql.port()
        + ",\"username\":\"nobody\",\"password\":\"wrong-pw-xyz\"}");
    TableExporter exporter = new Engines(config, new MapSecretSource(secrets), stack.store(bucket))
        .exporter(MaskingPolicy.parse("m.yaml", POLICY), ExportListener.NONE);
    ConfigException e = assertThrows(ConfigException.class,
        () -> exporter.export(new ExportRequest("r1", "1", "2026-11-26", "shop", "orders", null)));
    assertTrue(e.getMessage().contains("refused the login"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-pw-xyz"));
  }
}
