package dev.rds2bq.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig.Engine;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.PipelineConfig.TlsMode;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.SourceUnavailableException;
import dev.rds2bq.localstack.EmbeddedPostgreSql;
import dev.rds2bq.plan.RangePlanner;
import dev.rds2bq.rows.ReadAs;
import dev.rds2bq.rows.RowBatch;
import dev.rds2bq.source.KeyBoundaries;
import dev.rds2bq.source.RowStream;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.SourceSnapshot;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.TableSize;
import dev.rds2bq.source.ValueSampler;
import dev.rds2bq.testing.LocalStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL source against a real PostgreSQL 17: its catalog (base tables only, partitioned
 * tables once, keys, comments, generated columns), key ranges on integer, numeric, text and uuid keys
 * that cover every row exactly once whether the split points come from ANALYZE's histogram or a key
 * scan, tables without a primary key, one snapshot per export, bounded samples, and each error in the
 * project's classes without the login in its message.
 */
class PostgresSourceTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String DB = "pgsource";
  private static final int ROWS = 20_000;
  private static Source source;

  @BeforeAll
  static void load() throws Exception {
    stack.postgresDatabase(DB,
        "CREATE SCHEMA app",
        "CREATE SCHEMA bulk",
        "CREATE TABLE app.ints (id bigint PRIMARY KEY, v text)",
        "COMMENT ON TABLE app.ints IS 'integer keys'",
        "COMMENT ON COLUMN app.ints.v IS 'a value'",
        "INSERT INTO app.ints SELECT g * 7 - 70000, 'v' || g FROM generate_series(1, " + ROWS + ") g",
        "CREATE TABLE app.nums (id numeric(20,3) PRIMARY KEY, v text)",
        "INSERT INTO app.nums SELECT g / 8.0, 'v' || g FROM generate_series(1, " + ROWS + ") g",
        // Mixed case, digits and non-ASCII text: the ranges must follow the column's own order.
        "CREATE TABLE app.texts (id text PRIMARY KEY, v text)",
        "INSERT INTO app.texts SELECT (ARRAY['a','B','é','Z','0','😀'])[1 + g % 6] || md5(g::text), 'v' FROM"
            + " generate_series(1, " + ROWS + ") g",
        "CREATE TABLE app.uuids (id uuid PRIMARY KEY, v text)",
        "INSERT INTO app.uuids SELECT md5(g::text)::uuid, 'v' FROM generate_series(1, " + ROWS + ") g",
        "CREATE TABLE app.unanalyzed (id integer PRIMARY KEY, v text) WITH (autovacuum_enabled = false)",
        "INSERT INTO app.unanalyzed SELECT g, 'v' FROM generate_series(1, " + ROWS + ") g",
        "CREATE TABLE app.heap (a integer, b text)",
        "INSERT INTO app.heap SELECT g, 'x' FROM generate_series(1, 100) g",
        "CREATE TABLE app.gen (id integer PRIMARY KEY, email text,"
            + " contact text GENERATED ALWAYS AS (lower(email)) STORED)",
        "CREATE TABLE app.events (id integer, day date, PRIMARY KEY (id, day)) PARTITION BY RANGE (day)",
        "CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
        "INSERT INTO app.events SELECT g, DATE '2024-06-01' + (g % 400) FROM generate_series(1, 1000) g",
        "CREATE VIEW app.a_view AS SELECT * FROM app.ints",
        "ANALYZE app.ints, app.nums, app.texts, app.uuids, app.events");
    source = stack.postgresSource(DB);
  }

  @Test
  void theCatalogListsBaseTablesOnceWithEstimates() {
    try (SourceCatalog catalog = source.catalog("app")) {
      List<String> names = catalog.tables().stream().map(TableSize::name).toList();
      assertEquals(List.of("events", "gen", "heap", "ints", "nums", "texts", "unanalyzed", "uuids"), names);
      TableSize events = catalog.tables().stream().filter(t -> t.name().equals("events")).findFirst().orElseThrow();
      assertEquals(1000, events.rows(), "a partitioned table adds up its partitions' estimates");
      assertTrue(events.bytes() > 0);
      TableSize ints = catalog.tables().stream().filter(t -> t.name().equals("ints")).findFirst().orElseThrow();
      assertEquals(ROWS, ints.rows());
    }
    assertTrue(source.databases().containsAll(List.of("app", "public")), source.databases().toString());
    assertFalse(source.databases().contains("pg_catalog"));
  }

  /** The planner's estimate of a change set: few rows past a high mark, all of them past a low one. */
  @Test
  void rowsAfterAMarkAreThePlannersEstimate() {
    try (SourceCatalog catalog = source.catalog("app")) {
      TableSchema ints = catalog.table("ints");
      long few = catalog.rowsAfter(ints, "id", String.valueOf(ROWS * 7 - 70000 - 700));
      long all = catalog.rowsAfter(ints, "id", "-1000000");
      assertTrue(few >= 1 && few < ROWS / 10, "about 100 rows after the mark: " + few);
      assertTrue(all > ROWS / 2, "every row after a mark below them all: " + all);
    }
  }

  @Test
  void aTableHasItsColumnsKeyCommentsAndGenerationExpression() {
    try (SourceCatalog catalog = source.catalog("app")) {
      TableSchema ints = catalog.table("ints");
      assertEquals("integer keys", ints.comment());
      assertEquals(List.of("id"), ints.primaryKey());
      assertEquals("a value", ints.column("v").comment());
      assertEquals("bigint", ints.column("id").columnType());
      assertFalse(ints.column("id").nullable());
      assertEquals(List.of("id", "day"), catalog.table("events").primaryKey());
      SourceColumn contact = catalog.table("gen").column("contact");
      assertEquals("lower(email)", contact.generationExpression());
      assertEquals(List.of(), catalog.table("heap").primaryKey());
    }
  }

  @Test
  void unknownSchemasAndTablesAreNamed() {
    InvalidInputException schema = assertThrows(InvalidInputException.class, () -> {
      try (SourceCatalog catalog = source.catalog("nope")) {
        catalog.tables();
      }
    });
    assertTrue(schema.getMessage().contains("schema 'nope'"), schema.getMessage());
    InvalidInputException table = assertThrows(InvalidInputException.class, () -> {
      try (SourceCatalog catalog = source.catalog("app")) {
        catalog.table("a_view");
      }
    });
    assertTrue(table.getMessage().startsWith("table 'app.a_view' is not a base table of schema 'app'; its base"
        + " tables are: events, gen, heap, ints, nums, texts, unanalyzed, uuids"), table.getMessage());
    InvalidInputException partition = assertThrows(InvalidInputException.class, () -> {
      try (SourceSnapshot snapshot = source.snapshot("app")) {
        snapshot.table("events_2024");
      }
    });
    assertTrue(partition.getMessage().contains("not a base table"), partition.getMessage());
  }

  @Test
  void histogramRangesOfIntegerNumericTextAndUuidKeysCoverEveryRowOnce() throws Exception {
    for (String table : List.of("ints", "nums", "texts", "uuids")) {
      coversEveryRowOnce(table, "histogram");
    }
  }

  @Test
  void aTableWithoutStatisticsIsSplitByOneKeyScan() throws Exception {
    coversEveryRowOnce("unanalyzed", "scanned");
  }

  private void coversEveryRowOnce(String table, String method) throws Exception {
    List<KeyRange> ranges;
    TableSchema schema;
    try (SourceCatalog catalog = source.catalog("app")) {
      schema = catalog.table(table);
      KeyBoundaries bounds = catalog.boundaries(schema, 8, ROWS);
      assertEquals(method, bounds.method(), table);
      assertEquals(7, bounds.values().size(), table + ": " + bounds.values());
      assertIncreasing(table, schema.column("id").columnType(), bounds.values());
      ranges = new RangePlanner(ROWS / 8).plan(catalog, schema, ROWS).ranges();
    }
    assertEquals(8, ranges.size(), table);
    Set<String> seen = new HashSet<>();
    long counted = 0;
    try (SourceSnapshot snapshot = source.snapshot("app")) {
      for (KeyRange r : ranges) {
        long inRange = 0;
        try (RowStream rows = snapshot.rows(schema, List.of("id"), r)) {
          RowBatch batch = new RowBatch(new ReadAs[] {ReadAs.STRING}, 1000);
          while (rows.fill(batch)) {
            for (int i = 0; i < batch.size(); i++) {
              batch.position(i);
              assertTrue(seen.add(batch.getString(1)), table + ": a row in two ranges");
            }
            inRange += batch.size();
            batch.clear();
          }
        }
        assertEquals(inRange, snapshot.count(schema, r), table + " range " + r.id());
        assertTrue(inRange > ROWS / 8 / 3, table + " range " + r.id() + " holds only " + inRange + " rows");
        counted += inRange;
      }
    }
    assertEquals(ROWS, seen.size(), table);
    assertEquals(ROWS, counted, table);
  }

  /** In the server's own order for the key's type and collation. */
  private static void assertIncreasing(String table, String type, List<String> values) throws Exception {
    try (Connection c = stack.postgres().connect(DB);
        PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS " + type + ") < CAST(? AS " + type + ")")) {
      for (int i = 1; i < values.size(); i++) {
        ps.setString(1, values.get(i - 1));
        ps.setString(2, values.get(i));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertTrue(rs.getBoolean(1), table + ": " + values.get(i - 1) + " before " + values.get(i));
        }
      }
    }
  }

  @Test
  void aTableWithoutPrimaryKeyIsOneRange() {
    try (SourceCatalog catalog = source.catalog("app")) {
      TableSchema heap = catalog.table("heap");
      RangePlanner.TableRanges r = new RangePlanner(10).plan(catalog, heap, 100);
      assertEquals(List.of(), r.ranges());
      assertEquals("no primary key: exported as one range", r.note());
    }
    try (SourceSnapshot snapshot = source.snapshot("app")) {
      assertEquals(100, snapshot.count(snapshot.table("heap"), null));
    }
  }

  @Test
  void aSnapshotSeesTheDatabaseAsOfItsFirstRead() throws Exception {
    try (Connection writer = stack.postgres().connect(DB); Statement w = writer.createStatement()) {
      w.execute("CREATE TABLE app.moving (id integer PRIMARY KEY)");
      w.execute("INSERT INTO app.moving SELECT generate_series(1, 10)");
      try (SourceSnapshot snapshot = source.snapshot("app")) {
        TableSchema schema = snapshot.table("moving");
        w.execute("INSERT INTO app.moving SELECT generate_series(11, 20)");
        w.execute("DELETE FROM app.moving WHERE id <= 5");
        assertEquals(10, snapshot.count(schema, null));
        long streamed = 0;
        try (RowStream rows = snapshot.rows(schema, List.of("id"), null)) {
          RowBatch batch = new RowBatch(new ReadAs[] {ReadAs.INT}, 4);
          while (rows.fill(batch)) {
            streamed += batch.size();
            batch.clear();
          }
        }
        assertEquals(10, streamed);
      }
      w.execute("DROP TABLE app.moving");
    }
  }

  @Test
  void anAbandonedStreamIsClosedWithoutReadingTheRest() throws Exception {
    try (Connection c = stack.postgres().connect(DB); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS bulk.big AS SELECT g AS id, repeat('x', 200) AS pad"
          + " FROM generate_series(1, 1000000) g");
    }
    long started = System.nanoTime();
    try (SourceSnapshot snapshot = source.snapshot("bulk")) {
      TableSchema schema = snapshot.table("big");
      try (RowStream rows = snapshot.rows(schema, List.of("id", "pad"), null)) {
        assertTrue(rows.fill(new RowBatch(new ReadAs[] {ReadAs.INT, ReadAs.BYTES}, 100)));
      }
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    // Reading the table to its end takes seconds; closing the cursor after one batch takes milliseconds.
    assertTrue(ms < 1500, "closing an abandoned stream took " + ms + " ms");
    try (Connection c = stack.postgres().connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rds2bq'"
            + " AND state <> 'idle'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "a query of rds2bq is still running");
    }
  }

  @Test
  void aSampleIsBoundedAndTakesBothEndsOfTheKey() {
    try (SourceCatalog catalog = source.catalog("app")) {
      TableSchema ints = catalog.table("ints");
      List<String> values = new ArrayList<>();
      ValueSampler.Stats stats = catalog.sample(ints, List.of(ints.column("v")), 10, 5000, 3,
          (column, value) -> values.add(value));
      assertEquals(10, stats.rows());
      assertFalse(stats.budgetExhausted());
      // 'v' || g cut to 3 characters: the lowest keys are g = 1..5, the highest g = 19996..20000.
      assertEquals(List.of("v1", "v2", "v3", "v4", "v5", "v20", "v19", "v19", "v19", "v19"), values);
      List<String> heap = new ArrayList<>();
      assertEquals(7, catalog.sample(catalog.table("heap"), List.of(catalog.table("heap").column("b")), 7, 5000, 10,
          (column, value) -> heap.add(value)).rows());
    }
  }

  @Test
  void aBoundThatDoesNotFitTheKeyIsNamedWithoutItsValue() {
    try (SourceSnapshot snapshot = source.snapshot("app")) {
      TableSchema ints = snapshot.table("ints");
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> snapshot.count(ints, new KeyRange(3, "id", "12", "secret@example.com")));
      assertEquals("the upper bound of range 3 does not fit key column 'id' (bigint) of app.ints; pass the plan's"
          + " bounds unchanged", e.getMessage());
      // The snapshot is still usable after a refused bound.
      assertEquals(ROWS, snapshot.count(ints, null));
    }
  }

  @Test
  void aWrongPasswordOrDatabaseIsAConfigErrorWithoutTheLogin() {
    EmbeddedPostgreSql pg = stack.postgres();
    DatabaseSecret wrong = DatabaseSecret.parse("s", pg.secretJson(DB).replace(EmbeddedPostgreSql.PASSWORD,
        "not-the-password"), 5432);
    ConfigException login = assertThrows(ConfigException.class, () -> new PostgresSource(wrong,
        new SourceConfig(Engine.POSTGRESQL, "s", TlsMode.DISABLED, null, 5, 30, null)).databases());
    assertEquals("the source 127.0.0.1:" + pg.port() + "/" + DB + " refused the login of the configured secret;"
        + " check its username and password", login.getMessage());
    DatabaseSecret right = DatabaseSecret.parse("s", pg.secretJson(DB), 5432);
    ConfigException database = assertThrows(ConfigException.class, () -> new PostgresSource(right,
        new SourceConfig(Engine.POSTGRESQL, "s", TlsMode.DISABLED, null, 5, 30, "absent_db")).databases());
    assertTrue(database.getMessage().startsWith("database 'absent_db' does not exist on 127.0.0.1:" + pg.port()),
        database.getMessage());
    for (String m : List.of(login.getMessage(), database.getMessage())) {
      assertFalse(m.contains(EmbeddedPostgreSql.USER) || m.contains(EmbeddedPostgreSql.PASSWORD), m);
    }
  }

  @Test
  void everyConnectionIsReadOnlyAndInUtc() throws Exception {
    try (Connection c = ((PostgresSource) source).open(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW transaction_read_only")) {
        rs.next();
        assertEquals("on", rs.getString(1));
      }
      try (ResultSet rs = s.executeQuery("SHOW TimeZone")) {
        rs.next();
        assertEquals("UTC", rs.getString(1));
      }
      assertThrows(java.sql.SQLException.class, () -> s.execute("CREATE TABLE app.written (id integer)"));
      try (ResultSet rs = s.executeQuery("SELECT current_setting('lock_timeout'), current_setting('statement_timeout'),"
          + " current_setting('idle_in_transaction_session_timeout')")) {
        rs.next();
        assertEquals("5s", rs.getString(1));
        assertEquals("10min", rs.getString(2), "the default socket timeout, 600 s");
        assertEquals("10min", rs.getString(3));
      }
    }
  }

  @Test
  void aReadBehindASchemaChangesLockGivesUpAsTransient() throws Exception {
    EmbeddedPostgreSql pg = stack.postgres();
    try (Connection ddl = pg.connect(DB); Statement s = ddl.createStatement()) {
      ddl.setAutoCommit(false);
      s.execute("LOCK TABLE app.ints IN ACCESS EXCLUSIVE MODE");
      long started = System.nanoTime();
      try (SourceSnapshot snapshot = source.snapshot("app")) {
        SourceUnavailableException e = assertThrows(SourceUnavailableException.class,
            () -> snapshot.count(snapshot.table("ints"), null));
        assertTrue(e.getMessage().contains("waited more than 5 s for a table lock"), e.getMessage());
      } finally {
        ddl.rollback();
      }
      long waited = (System.nanoTime() - started) / 1_000_000;
      assertTrue(waited >= 4_900 && waited < 20_000, "gave up after the lock timeout, not the socket timeout: " + waited);
    }
  }

  @Test
  void theSourceIsChosenByTheConfigsEngine() {
    assertTrue(source instanceof PostgresSource);
    assertEquals("127.0.0.1:" + stack.postgres().port() + "/" + DB, source.endpoint());
  }
}
