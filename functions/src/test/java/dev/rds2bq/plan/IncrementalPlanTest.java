package dev.rds2bq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.testing.LocalStack;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md#incremental: PlanRun plans a window only for a table that can take one, and
 * says why not otherwise: a primary key to apply changes by (unless append_only), a cursor that fits,
 * and an index that starts with the cursor, without which every change set would scan the table on
 * the replica.
 */
class IncrementalPlanTest {
  private static final LocalStack stack = LocalStack.get();
  private static final MaskingPolicy POLICY = MaskingPolicy.parse("m.yaml", "databases: {incplan: {tables: {}}}");

  private static RunPlan plan(String table, String settings) {
    return plan(table, settings, POLICY, java.util.Map.of());
  }

  private static RunPlan plan(String table, String settings, MaskingPolicy policy, java.util.Map<String, String> modes) {
    PipelineConfig config = LocalStack.config(stack.bucket("incplan"), "databases: [incplan]\n"
        + "incremental: {tables: {incplan." + table + ": " + settings + "}}\n");
    return new Engines(config, new MapSecretSource(stack.secrets("incplan")), stack.store(config.bucket()))
        .planner(policy, Clock.systemUTC(), null)
        .plan(new PlanInput(List.of("incplan." + table), "2026-11-26", false, null, null, null, false, false, null,
            false, modes));
  }

  @Test
  void softDeletesNeedAKeptColumnAndModesNameAnIncrementalTableOfTheRun() throws Exception {
    stack.database("incplan",
        "CREATE TABLE flagged (id INT PRIMARY KEY, gone TINYINT NOT NULL DEFAULT 0, email VARCHAR(50),"
            + " updated_at DATETIME NOT NULL, KEY by_update (updated_at))",
        "CREATE TABLE plain (id INT PRIMARY KEY)");
    MaskingPolicy policy = MaskingPolicy.parse("m.yaml", "databases: {incplan: {tables: {flagged: {columns:"
        + " {email: hash}}}}}");
    assertEquals("updated_at", plan("flagged", "{cursor: updated_at, deletes: {soft: gone}}", policy,
        java.util.Map.of()).tables().get(0).window().column());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> plan("flagged", "{cursor: updated_at, deletes: {soft: deleted}}", policy, java.util.Map.of()));
    assertTrue(missing.getMessage().startsWith("incremental.tables.incplan.flagged.deletes.soft: the table has no"
        + " column 'deleted'"), missing.getMessage());
    ConfigException masked = assertThrows(ConfigException.class,
        () -> plan("flagged", "{cursor: updated_at, deletes: {soft: email}}", policy, java.util.Map.of()));
    assertTrue(masked.getMessage().contains("column 'email' is masked by the policy"), masked.getMessage());
    ConfigException keyDiff = assertThrows(ConfigException.class,
        () -> plan("flagged", "{mode: append_only, cursor: id, deletes: key_diff}", policy, java.util.Map.of()));
    assertTrue(keyDiff.getMessage().contains("is append_only, whose rows are never deleted"), keyDiff.getMessage());
    assertEquals("updated_at", plan("flagged", "{cursor: updated_at, deletes: key_diff}", policy, java.util.Map.of())
        .tables().get(0).window().column());

    RunPlan.TablePlan asSnapshot = plan("flagged", "{cursor: updated_at}", policy,
        java.util.Map.of("incplan.flagged", "snapshot")).tables().get(0);
    assertNull(asSnapshot.window(), "read whole, as a snapshot table, this run");
    assertTrue(asSnapshot.note().contains("incremental table read as a snapshot this run"), asSnapshot.note());
    dev.rds2bq.error.InvalidInputException typo = assertThrows(dev.rds2bq.error.InvalidInputException.class,
        () -> plan("flagged", "{cursor: updated_at}", policy, java.util.Map.of("incplan.flaged", "full")));
    assertTrue(typo.getMessage().startsWith("'modes.incplan.flaged' names no table of this run"), typo.getMessage());
    dev.rds2bq.error.InvalidInputException notIncremental = assertThrows(dev.rds2bq.error.InvalidInputException.class,
        () -> new Engines(LocalStack.config(stack.bucket("incplan"), "databases: [incplan]\n"),
            new MapSecretSource(stack.secrets("incplan")), stack.store(stack.bucket("incplan")))
            .planner(POLICY, Clock.systemUTC(), null).plan(new PlanInput(List.of("incplan.plain"), "2026-11-26", false,
                null, null, null, false, false, null, false, java.util.Map.of("incplan.plain", "full"))));
    assertTrue(notIncremental.getMessage().contains("is not in incremental.tables"), notIncremental.getMessage());
    dev.rds2bq.error.InvalidInputException badMode = assertThrows(dev.rds2bq.error.InvalidInputException.class,
        () -> plan("flagged", "{cursor: updated_at}", policy, java.util.Map.of("incplan.flagged", "incremental")));
    assertTrue(badMode.getMessage().startsWith("'modes.incplan.flagged' must be \"full\" or \"snapshot\""),
        badMode.getMessage());
  }

  @Test
  void aTableThatCannotTakeAWindowIsRefusedWithTheReasonAndAFittingOneIsPlanned() throws Exception {
    stack.database("incplan",
        "CREATE TABLE indexed (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, KEY by_update (updated_at))",
        "CREATE TABLE unindexed (id INT PRIMARY KEY, updated_at DATETIME NOT NULL)",
        "CREATE TABLE keyless (seq BIGINT NOT NULL, KEY by_seq (seq))",
        "CREATE TABLE textkey (code VARCHAR(10) PRIMARY KEY)");

    RunPlan.TablePlan planned = plan("indexed", "{cursor: updated_at, lag: 10m}").tables().get(0);
    assertEquals("updated_at", planned.window().column());
    assertNull(planned.window().after(), "a first run is a full snapshot");
    assertTrue(planned.note().endsWith("incremental: full snapshot (first run)"), planned.note());
    assertNull(plan("indexed", "{cursor: updated_at}").tables().get(0).window().upTo(),
        "the upper mark is the export's to read, in its snapshot");

    ConfigException noIndex = assertThrows(ConfigException.class, () -> plan("unindexed", "{cursor: updated_at}"));
    assertTrue(noIndex.getMessage().startsWith("incremental.tables.incplan.unindexed: no index of the table starts"
        + " with its cursor 'updated_at', so each change set would scan the whole table on the replica"),
        noIndex.getMessage());

    ConfigException noKey = assertThrows(ConfigException.class, () -> plan("keyless", "{cursor: seq}"));
    assertTrue(noKey.getMessage().startsWith("incremental table incplan.keyless has no primary key"), noKey.getMessage());
    assertEquals("seq", plan("keyless", "{mode: append_only, cursor: seq}").tables().get(0).window().column(),
        "an insert-only log needs no primary key");

    ConfigException noCursor = assertThrows(ConfigException.class, () -> plan("textkey", "{mode: append_only}"));
    assertTrue(noCursor.getMessage().contains("is append_only without a cursor, and its primary key is not a single"
        + " integer column"), noCursor.getMessage());

    ConfigException badCursor = assertThrows(ConfigException.class, () -> plan("indexed", "{cursor: missing}"));
    assertTrue(badCursor.getMessage().startsWith("incremental.tables.incplan.indexed: cursor column 'missing' of"
        + " incplan.indexed does not exist"), badCursor.getMessage());
  }

  /**
   * A change set is split by its own size (the optimizer's estimate of the rows after the mark), not
   * by the table's: a few changed rows of a big table are one range, read by the cursor's index; a
   * big change set is cut into ranges; a key_diff table keeps the table's ranges, since it reads every key.
   */
  @Test
  void aChangeSetIsSplitByItsOwnSize() throws Exception {
    stack.database("incplan",
        "CREATE TABLE big (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, KEY by_update (updated_at))",
        "INSERT INTO big SELECT seq, TIMESTAMPADD(SECOND, seq, '2026-11-01') FROM seq_1_to_6000",
        "ANALYZE TABLE big");
    PipelineConfig config = LocalStack.config(stack.bucket("incplan"), "databases: [incplan]\n"
        + "planning: {rowsPerRange: 1000, bigTableRows: 2000}\n"
        + "incremental: {tables: {incplan.big: {cursor: updated_at}}}\n");
    dev.rds2bq.contract.BucketLayout layout = dev.rds2bq.contract.BucketLayout.of(config);
    String stateKey = layout.stateKey(dev.rds2bq.contract.RunTable.of("incplan", "big", "2026-11-25", "r0", "1"));
    java.util.function.Function<String, RunPlan.TablePlan> planAfter = mark -> {
      stack.store(config.bucket()).put(stateKey, ("{\"cursor\": \"updated_at\", \"mark\": \"" + mark + "\","
          + " \"fullRunDate\": \"2026-11-25\", \"full\": \"f\", \"manifest\": \"f\"}").getBytes(), "application/json");
      return new Engines(config, new MapSecretSource(stack.secrets("incplan")), stack.store(config.bucket()))
          .planner(POLICY, Clock.systemUTC(), null)
          .plan(new PlanInput(List.of("incplan.big"), "2026-11-26", false, null, null)).tables().get(0);
    };
    RunPlan.TablePlan few = planAfter.apply("2026-11-01 01:39:00");
    assertEquals("2026-11-01 01:39:00", few.window().after(), few.note());
    assertEquals(1, few.expectedRanges(), "a few changed rows of a big table are one range: " + few.note());
    assertTrue(few.note().contains("changed row(s) by the optimizer's estimate"), few.note());

    RunPlan.TablePlan many = planAfter.apply("2026-11-01 00:00:00");
    assertTrue(many.expectedRanges() > 1, "every row changed: the change set is as big as the table: " + many.note());
  }

  /**
   * The two marks of _state.json: a run that loads starts at the mark BigQuery took ({@code loaded}),
   * one with {@code "load": false} at the bucket's, also under {@code bigquery.history: daily}.
   */
  @Test
  void aLoadingRunStartsAtBigQuerysMarkAndARunWithoutLoadsAtTheBuckets() throws Exception {
    stack.database("incplan",
        "CREATE TABLE marks (id INT PRIMARY KEY, updated_at DATETIME NOT NULL, KEY by_update (updated_at))");
    String bigquery = "bigquery: {projectId: acme-analytics, location: US, dataset: rds2bq, credentialsSecretId: g,"
        + " s3AccessKeySecretId: k%s}\n";
    java.util.function.BiFunction<String, Boolean, RunPlan.TablePlan> plan = (history, load) -> {
      PipelineConfig config = LocalStack.config(stack.bucket("incplan"), "databases: [incplan]\n"
          + String.format(bigquery, history) + "incremental: {tables: {incplan.marks: {cursor: updated_at}}}\n");
      String stateKey = dev.rds2bq.contract.BucketLayout.of(config).stateKey(
          dev.rds2bq.contract.RunTable.of("incplan", "marks", "2026-11-25", "r0", "1"));
      stack.store(config.bucket()).put(stateKey, ("{\"cursor\": \"updated_at\", \"mark\": \"2026-11-01 00:09:00\","
          + " \"fullRunDate\": \"2026-11-25\", \"full\": \"f\", \"manifest\": \"c\", \"loaded\": {\"cursor\":"
          + " \"updated_at\", \"mark\": \"2026-11-01 00:05:00\", \"manifest\": \"f\"}}").getBytes(), "application/json");
      return new Engines(config, new MapSecretSource(stack.secrets("incplan")), stack.store(config.bucket()))
          .planner(POLICY, Clock.systemUTC(), null)
          .plan(new PlanInput(List.of("incplan.marks"), "2026-11-26", load, null, null)).tables().get(0);
    };
    assertEquals("2026-11-01 00:05:00", plan.apply("", true).window().after(), "BigQuery's mark");
    assertEquals("2026-11-01 00:09:00", plan.apply("", false).window().after(), "the bucket's mark");
    RunPlan.TablePlan daily = plan.apply(", history: daily", true);
    assertEquals("2026-11-01 00:05:00", daily.window().after(), "merged, its day's partition written from the"
        + " merged table: " + daily.note());
  }
}
