package dev.rds2bq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.testing.LocalStack;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * A run reads a read replica: a source that takes writes (most likely the application's primary) is
 * refused at plan time, before any table is read, unless its config says allowWritable. The embedded
 * servers take writes, as a primary does; {@code read_only} turned on makes MariaDB answer as an RDS
 * read replica does.
 */
class WritableSourceTest {
  private static final LocalStack stack = LocalStack.get();
  private static final MaskingPolicy POLICY = MaskingPolicy.parse("m.yaml", "databases: {writable: {tables: {}}}");

  private static RunPlan plan(String sourceExtra) {
    PipelineConfig config = PipelineConfig.parse("c.yaml", "bucket: " + stack.bucket("writable") + "\nprefix: exports\n"
        + "source: {secretId: " + LocalStack.SOURCE_SECRET + ", tls: disabled" + sourceExtra + "}\n"
        + "masking: {policyFile: m.yaml, hashKeySecretId: " + LocalStack.HASH_SECRET + "}\ndatabases: [writable]\n");
    return new Engines(config, new MapSecretSource(stack.secrets("writable")), stack.store(config.bucket()))
        .planner(POLICY, Clock.systemUTC(), null).plan(PlanInput.empty());
  }

  @Test
  void aWritableSourceIsRefusedNamingWhatTheServerSaidAndTheFix() throws Exception {
    stack.database("writable", "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
    ConfigException e = assertThrows(ConfigException.class, () -> plan(""));
    assertEquals("the source 127.0.0.1:" + stack.mysql.port() + " accepts writes (@@read_only = 0,"
        + " @@innodb_read_only = 0): it looks like a primary, and rds2bq reads a read replica so that an export"
        + " never adds load to the database the application writes to. Fix: point source.secretId at a read"
        + " replica's (or a cluster reader's) endpoint, or set source.allowWritable: true to export from this server"
        + " anyway", e.getMessage());

    assertEquals(1, plan(", allowWritable: true").tables().size(), "allowed by the config");

    try (Connection c = stack.mysql.connect("writable"); Statement s = c.createStatement()) {
      s.execute("SET GLOBAL read_only = 1");
      try {
        assertEquals(1, plan("").tables().size(), "a server that refuses writes is a replica: planned");
      } finally {
        s.execute("SET GLOBAL read_only = 0");
      }
    }
  }

  @Test
  void aPostgresPrimaryIsRefusedToo() throws Exception {
    stack.postgresDatabase("pgwritable", "CREATE TABLE t (id integer PRIMARY KEY)");
    PipelineConfig config = PipelineConfig.parse("c.yaml", "bucket: " + stack.bucket("pgwritable") + "\nprefix: x\n"
        + "source: {engine: postgresql, database: pgwritable, secretId: " + LocalStack.SOURCE_SECRET + ", tls: disabled}\n"
        + "masking: {policyFile: m.yaml}\ndatabases: [public]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> new Engines(config,
        new MapSecretSource(stack.postgresSecrets("pgwritable")), stack.store(config.bucket()))
        .planner(MaskingPolicy.parse("m.yaml", "databases: {public: {tables: {}}}"), Clock.systemUTC(), null)
        .plan(PlanInput.empty()));
    assertTrue(e.getMessage().contains("accepts writes (pg_is_in_recovery() = false)"), e.getMessage());
  }
}
