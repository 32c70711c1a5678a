package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localgcp.Warehouse;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import dev.rds2bq.source.postgres.PostgresTypeTable;
import dev.rds2bq.source.postgres.PostgresTypeTable.Case;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL type table of docs/type-mapping.md after the whole pipeline: the same table that
 * {@code PostgresTypeMappingTest} reads back from the Parquet (every type with its minimum, maximum,
 * NULL and special values) goes through the real state machine, plan, export, publish and the Data
 * Transfer Service stand-in into the warehouse. Each column must arrive with the BigQuery type the
 * mapping promises and, row by row, the value the published Parquet holds: a load that shifts a
 * timestamp, rounds a decimal or turns a string into something else fails here. A type the mapping
 * refuses (here {@code point}) is dropped by the policy and never reaches the warehouse.
 */
class PostgresWarehouseTypesTest {
  private static final TestStack stack = TestStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "pgwarehouse";
  private static final String BUCKET = "pg-warehouse-types";
  /**
   * Network addresses are personal-looking to the value scan, and the demo IPs here are not anyone's:
   * kept by decision, as a user would say so. The refused point column must be dropped.
   */
  private static final String POLICY = "databases: {public: {tables: {t: {columns: {spot: drop, inetv: keep,"
      + " cd: keep, macv: keep, macv8: keep}}}}}";

  @Test
  void everyTypeArrivesInTheWarehouseAsThePublishedParquetHoldsIt() throws Exception {
    List<String> statements = new ArrayList<>(PostgresTypeTable.statements());
    statements.add("ALTER TABLE t ADD COLUMN spot point");
    statements.add("UPDATE t SET spot = '(1,2)' WHERE id = 1");
    stack.postgresDatabase(DB, statements.toArray(new String[0]));
    PipelineConfig config = stack.postgresConfig(BUCKET, DB, "databases: [public]\nzeroDates: as_null\n");
    Recorder recorder = new Recorder();
    Execution execution;
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(config, POLICY, UnaryOperator.identity()))) {
      execution = runner.run(BUCKET, JSON.readTree("{\"runId\": \"pgtypes-1\", \"runDate\": \"2026-11-26\"}"),
          StateMachineRunner.Options.tests(), recorder);
    }
    assertTrue(execution.succeeded(), execution.toString());
    JsonNode load = recorder.output("CheckLoads").get("loads").get(0);
    assertEquals("SUCCEEDED", load.get("state").asText(), load.toString());

    String dataset = TestStack.dataset(BUCKET);
    Warehouse warehouse = stack.google.warehouse();
    Warehouse.Table table = warehouse.table(dataset, "public__t").orElseThrow();
    Map<String, String> types = table.fields().stream()
        .collect(Collectors.toMap(Warehouse.Field::name, f -> standard(f.type())));
    assertTrue(!types.containsKey("spot"), "the dropped column is not in the warehouse: " + types.keySet());
    assertEquals(PostgresTypeTable.rowCount(), warehouse.count(dataset, "public__t"));

    String parquet = parquetFiles();
    List<String> problems = new ArrayList<>();
    for (Case c : PostgresTypeTable.CASES) {
      if (!Objects.equals(c.bigQuery(), types.get(c.column()))) {
        problems.add(c.column() + " " + c.declaration() + ": BigQuery type expected <" + c.bigQuery() + "> but was <"
            + types.get(c.column()) + ">");
        continue;
      }
      List<Object> loaded = column(warehouse, c, "\"" + dataset + "\".public__t");
      // Without hive partitioning: the folder's dt=<date> would shadow the table's own column dt.
      List<Object> published = column(warehouse, c, "read_parquet(" + parquet + ", hive_partitioning = false)");
      for (int row = 0; row < published.size(); row++) {
        if (!same(c, published.get(row), loaded.get(row))) {
          problems.add(c.column() + " " + c.declaration() + ", id " + (row + 1) + ": Parquet <" + published.get(row)
              + "> but warehouse <" + loaded.get(row) + ">");
        }
      }
      if (loaded.get(2) != null) {
        problems.add(c.column() + ": the NULL row holds <" + loaded.get(2) + ">");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** The column's values by id, as text (bytes as hex). */
  private static List<Object> column(Warehouse warehouse, Case c, String from) {
    String q = "\"" + c.column() + "\"";
    // FLOAT64 as a double on both sides: a real is written as a Parquet FLOAT, which the load widens exactly.
    String value = c.bigQuery().equals("BYTES") ? "hex(" + q + ")"
        : c.bigQuery().equals("FLOAT64") ? "CAST(CAST(" + q + " AS DOUBLE) AS VARCHAR)" : "CAST(" + q + " AS VARCHAR)";
    List<Object> values = new ArrayList<>();
    for (Map<String, Object> r : warehouse.query("SELECT " + value + " AS v FROM " + from + " ORDER BY id",
        List.of())) {
      values.add(r.get("v"));
    }
    return values;
  }

  /** NUMERIC is compared as a number: the warehouse keeps its nine-digit scale, the file its own. */
  private static boolean same(Case c, Object published, Object loaded) {
    if (published == null || loaded == null) {
      return published == loaded;
    }
    if (c.bigQuery().equals("NUMERIC")) {
      return new BigDecimal(published.toString()).compareTo(new BigDecimal(loaded.toString())) == 0;
    }
    return published.toString().equals(loaded.toString());
  }

  /** The warehouse keeps the type names the table was created with; legacy and standard names are one type. */
  private static String standard(String type) {
    return switch (type) {
      case "INTEGER" -> "INT64";
      case "FLOAT" -> "FLOAT64";
      case "BOOLEAN" -> "BOOL";
      default -> type;
    };
  }

  private static String parquetFiles() throws Exception {
    try (Stream<Path> files = Files.walk(stack.root.resolve("s3").resolve(BUCKET))) {
      List<String> parts = files.filter(p -> p.toString().endsWith(".parquet"))
          .map(p -> "'" + p.toAbsolutePath() + "'").toList();
      assertEquals(1, parts.size(), "one published part: " + parts);
      return "[" + String.join(", ", parts) + "]";
    }
  }
}
