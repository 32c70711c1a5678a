package dev.rds2bq.plan;

import static dev.rds2bq.localstack.DocQuotes.constant;
import static dev.rds2bq.localstack.DocQuotes.quoted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.HashKey;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.naming.ColumnNames;
import dev.rds2bq.summary.RunSummarizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every limit docs/ quotes for planning, exporting and summarizing, held to the constant or the
 * validation in the code. docs/ is the design: a cap changed in the code alone fails here.
 */
class DocsLimitsTest {
  private static void allEqual(long expected, List<Long> quotes, String what) {
    for (long q : quotes) {
      assertEquals(expected, q, what + ": docs/ quote " + quotes + ", the code has " + expected);
    }
  }

  @Test
  void rangesPerTable() throws ClassNotFoundException {
    long cap = constant(RangePlanner.class, "MAX_RANGES_PER_TABLE");
    allEqual(cap, quoted("state-machine.md", "at most ([\\d,]+) ranges \\(`RangePlanner.MAX_RANGES_PER_TABLE`\\)"),
        "range cap");
    allEqual(cap, quoted("data-contract.md", "at most ([\\d,]+) \\(`RangePlanner.MAX_RANGES_PER_TABLE`"), "range cap");
    allEqual(cap, quoted("configuration.md", "⌉ ranges, at most ([\\d,]+) \\("), "range cap");
    // Split points are the MySQL source's (package-private there).
    allEqual(constant(Class.forName("dev.rds2bq.source.mysql.MySqlSplits"), "SLICES_PER_RANGE"),
        quoted("data-contract.md", "cut into ([\\d,]+) slices per wanted range"), "slices per range");
  }

  @Test
  void tablesPerRunAndHistoryEvents() {
    allEqual(ExecutionLimits.MAX_TABLES, quoted("state-machine.md", "refuses a run of more than ([\\d,]+) tables"),
        "table cap");
    allEqual(ExecutionLimits.MAX_TABLES_LOADING, quoted("state-machine.md",
        "more than [\\d,]+ tables, or ([\\d,]+) when it loads"), "table cap when loading");
    for (long measured : quoted("data-contract.md", "a plan of ([\\d,]+) tables")) {
      assertTrue(measured <= ExecutionLimits.MAX_TABLES, "docs/data-contract.md measures a plan of " + measured
          + " tables, which PlanRun refuses (at most " + ExecutionLimits.MAX_TABLES + ")");
    }
    allEqual(constant(ExecutionLimits.class, "MAX_EVENTS"), quoted("state-machine.md", "refuses a plan over ([\\d,]+)"),
        "history events");
    allEqual(constant(ExecutionLimits.class, "EVENTS_PER_TABLE"), quoted("state-machine.md", "\\(`ExecutionLimits.events`: "
        + "([\\d]+) × tables"), "events per table");
    allEqual(constant(ExecutionLimits.class, "EVENTS_PER_RANGE"), quoted("state-machine.md", "× tables \\+ ([\\d]+) × ranges"),
        "events per range");
    allEqual(constant(ExecutionLimits.class, "EVENTS_PER_POLL"), quoted("state-machine.md", "× ranges \\+ ([\\d]+) × \\("),
        "events per poll");
  }

  @Test
  void planPayload() {
    allEqual(constant(RunPlanner.class, "MAX_INLINE_RANGES_BYTES") / 1024,
        quoted("state-machine.md", "take more than ([\\d]+) KiB as JSON"), "inline ranges");
    allEqual(PipelineConfig.PlanningConfig.defaults().maxPlanKiB(),
        quoted("configuration.md", "\\| `planning.maxPlanKiB` \\| `([\\d]+)`"), "maxPlanKiB default");
    allEqual(PipelineConfig.PlanningConfig.defaults().maxPlanKiB(),
        quoted("data-contract.md", "`planning.maxPlanKiB` \\(default ([\\d]+) KiB\\)"), "maxPlanKiB default");
    long upper = quoted("configuration.md", "\\| `planning.maxPlanKiB` \\| `[\\d]+` \\| 1–([\\d]+)\\.").get(0);
    planning("maxPlanKiB: " + upper);
    ConfigException over = assertThrows(ConfigException.class, () -> planning("maxPlanKiB: " + (upper + 1)));
    assertTrue(over.getMessage().contains("planning.maxPlanKiB"), over.getMessage());
    assertThrows(ConfigException.class, () -> planning("maxPlanKiB: 0"));
  }

  @Test
  void rowsPerRangeAndConcurrency() {
    long least = quoted("configuration.md", "\\| `planning.rowsPerRange` \\| `[\\d]+` \\| At least ([\\d]+)\\.").get(0);
    allEqual(PipelineConfig.PlanningConfig.defaults().rowsPerRange(),
        quoted("configuration.md", "\\| `planning.rowsPerRange` \\| `([\\d]+)`"), "rowsPerRange default");
    planning("rowsPerRange: " + least);
    assertThrows(ConfigException.class, () -> planning("rowsPerRange: " + (least - 1)));
    long maps = quoted("configuration.md", "runs at most ([\\d]+) iterations of an inline Map").get(0);
    allEqual(maps, quoted("state-machine.md", "An inline Map runs at most ([\\d]+) iterations"), "Map concurrency");
    // Each Map level may reach the limit, within run.maxSourceConnections (which may reach it too).
    PipelineConfig.parse("t", base() + "run: {maxSourceConnections: " + maps + ", tableConcurrency: " + maps
        + ", rangeConcurrency: 1}\n");
    PipelineConfig.parse("t", base() + "run: {maxSourceConnections: " + maps + ", tableConcurrency: 1, rangeConcurrency: "
        + maps + "}\n");
    assertThrows(ConfigException.class, () -> PipelineConfig.parse("t", base() + "run: {maxSourceConnections: "
        + (maps + 1) + "}\n"));
    assertThrows(ConfigException.class, () -> PipelineConfig.parse("t", base() + "run: {tableConcurrency: " + (maps + 1)
        + "}\n"));
    long cap = quoted("configuration.md", "\\| `run.maxSourceConnections` \\| `([\\d]+)`").get(0);
    assertEquals(cap, (long) PipelineConfig.RunConfig.defaults().maxSourceConnections(), "maxSourceConnections default");
  }

  @Test
  void hashKeyLengthSummaryAndNames() {
    long least = quoted("configuration.md", "`masking.hashKeySecretId` .*?at least ([\\d]+) bytes").get(0);
    allEqual(least, quoted("masking.md", "at least ([\\d]+) bytes in UTF-8"), "hash key length");
    allEqual(least, quoted("deploy.md", "at least ([\\d]+) bytes \\| `masking.hashKeySecretArn`"), "hash key length");
    HashKey.lazy(new MapSecretSource(Map.of("k", "k".repeat((int) least))), "k").get();
    assertThrows(ConfigException.class,
        () -> HashKey.lazy(new MapSecretSource(Map.of("k", "k".repeat((int) least - 1))), "k").get());

    allEqual(constant(RunSummarizer.class, "MAX_ERROR_CHARS"), quoted("state-machine.md",
        "each error cut at ([\\d,]+) characters"), "summary error length");
    allEqual(constant(RunSummarizer.class, "MAX_CAUSE_CHARS"), quoted("state-machine.md",
        "characters and the whole at ([\\d,]+);"), "summary cause length");
    allEqual(constant(ColumnNames.class, "MAX_LENGTH"), quoted("type-mapping.md", "longer than [\\d,]+ characters is cut to ([\\d,]+) characters"),
        "column name length");
  }

  private static String base() {
    return "bucket: docs-limits\nsource: {secretId: s, tls: disabled}\nmasking: {policyFile: m.yaml}\n";
  }

  private static PipelineConfig planning(String setting) {
    return PipelineConfig.parse("t", base() + "planning: {" + setting + "}\n");
  }
}
