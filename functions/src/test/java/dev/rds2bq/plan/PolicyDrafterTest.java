package dev.rds2bq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.testing.LocalStack;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The starting policy of the demo databases: every column listed with a reason, the value scan's
 * findings included, and a draft complete enough that strict mode accepts it as it is.
 */
class PolicyDrafterTest {
  private static final LocalStack stack = LocalStack.get();
  private static String draft;

  @BeforeAll
  static void draft() throws Exception {
    stack.sakila();
    DemoData.createHealthApp(stack.mysql, DemoData.HEALTHAPP, new DemoData.Sizes(200, 100, 100));
    PipelineConfig config = LocalStack.config("drafts", "databases: [healthapp, sakila]\n");
    MySqlSource connector = new MySqlSource(DatabaseSecret.parse("s", stack.mysql.secretJson("sakila")),
        config.source());
    draft = new PolicyDrafter(connector, config.masking().valueScan()).draft(List.of("healthapp", "sakila"),
        "starting policy\nreview every line");
  }

  @Test
  void everyColumnIsListedWithItsReason() {
    assertTrue(draft.startsWith("# starting policy\n# review every line\nversion: 1\ndatabases:\n  healthapp:\n"), draft);
    assertTrue(draft.matches("(?s).*\n {10}email: \\{policy: hash, normalize: lowercase} +# its name matches pattern 'mail'\n.*"),
        draft);
    assertTrue(draft.matches("(?s).*\n {10}birthday: age_band +# its name matches pattern 'birth'\n.*"), draft);
    assertTrue(draft.matches("(?s).*\n {10}name: drop +# its name matches pattern 'name'\n.*"), draft);
    assertTrue(draft.matches("(?s).*\n {10}id: keep +# not detected\n.*"), draft);
    assertTrue(draft.matches("(?s).*\n {10}message: drop +# value scan: \\d+ of 50 sampled values hold .*"), draft);
    assertTrue(draft.matches("(?s).*\n {10}address_id: keep +# its name matches pattern 'address'; a key to another"
        + " table, not the value itself\n.*"), draft);
    assertTrue(!draft.contains("@example"), "no sampled value in the draft");
  }

  @Test
  void theDraftPassesStrictModeAsItIs() {
    PipelineConfig config = LocalStack.config(stack.bucket("drafts"),
        "databases: [healthapp, sakila]\nmasking: {policyFile: m.yaml, requireDecisions: all}\n");
    MaskingPolicy policy = MaskingPolicy.parse("draft.yaml", draft)
        .withRequireDecisions(config.masking().requireDecisions());
    RunPlan plan = new RunPlanner(config, new MySqlSource(DatabaseSecret.parse("s", stack.mysql.secretJson("sakila")),
        config.source()), policy, stack.store(config.bucket()), Clock.systemUTC()).plan(PlanInput.empty());
    assertEquals(20, plan.tableCount());
  }
}
