package dev.rds2bq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.testing.LocalStack;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ways a personal column used to leave unmasked while the run succeeded, each against a real
 * server: the plan must now refuse the run, name the column and the detector that fired, and quote
 * no value.
 */
class MaskingLeaksTest {
  private static final LocalStack stack = LocalStack.get();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T03:00:00Z"), ZoneOffset.UTC);

  @BeforeAll
  static void load() throws Exception {
    stack.database("clinic",
        "CREATE TABLE users (id INT PRIMARY KEY, diagnosis VARCHAR(100), visits INT)",
        "INSERT INTO users SELECT seq, 'influenza', seq FROM seq_1_to_20");
    stack.database("leaks",
        "CREATE TABLE contacts (id INT PRIMARY KEY, tel1 VARCHAR(20), `電話番号` VARCHAR(20),"
            + " c1 VARCHAR(40) COMMENT '氏名', plan VARCHAR(10))",
        "INSERT INTO contacts SELECT seq, '090-1111-2222', '03-1234-5678', '山田 太郎', 'free' FROM seq_1_to_10",
        "CREATE TABLE tickets (id INT PRIMARY KEY, memo TEXT, notes VARCHAR(200), profile JSON, status VARCHAR(10))",
        "INSERT INTO tickets SELECT seq,"
            + " IF(seq % 4 = 0, CONCAT('reply to hidden', seq, '@example.org please'), 'no contact given'),"
            + " IF(seq % 5 = 0, CONCAT('折り返し 090-', LPAD(seq, 4, '0'), '-5678 まで'), 'called back'),"
            + " JSON_OBJECT('theme', 'dark', 'contact', IF(seq % 3 = 0, CONCAT('json', seq, '@example.net'), NULL)),"
            + " 'open' FROM seq_1_to_400",
        "CREATE TABLE accounts (id INT PRIMARY KEY, email VARCHAR(80),"
            + " contact VARCHAR(80) AS (email) VIRTUAL, created DATE)",
        "INSERT INTO accounts (id, email, created) SELECT seq, CONCAT('acc', seq, '@example.com'), '2024-01-01'"
            + " FROM seq_1_to_10");
  }

  private static RunPlanner planner(String databases, String policy) {
    PipelineConfig config = LocalStack.config(stack.bucket("leaks"), "databases: " + databases + "\n");
    DatabaseSecret login = DatabaseSecret.parse("s", stack.mysql.secretJson("clinic"));
    return new RunPlanner(config, new MySqlSource(login, config.source()), MaskingPolicy.parse("m.yaml", policy),
        stack.store(config.bucket()), CLOCK);
  }

  private static String refused(String databases, String policy) {
    return assertThrows(MaskingPolicyException.class, () -> planner(databases, policy).plan(PlanInput.empty()))
        .getMessage();
  }

  @Test
  void aMisspelledDatabaseKeyNoLongerTurnsMaskingOff() {
    // Before: the rules of 'clinc' applied to nothing, and diagnosis left in clear.
    String m = refused("[clinic]", "databases: {clinc: {tables: {users: {columns: {diagnosis: drop}}}}}");
    assertTrue(m.contains("names database 'clinc', which the source does not have (did you mean 'clinic'?)"), m);
  }

  @Test
  void aWrongCaseDatabaseKeyNoLongerTurnsMaskingOff() {
    String m = refused("[clinic]", "databases: {Clinic: {tables: {users: {default: drop}}}}");
    assertTrue(m.contains("names database 'Clinic', which the source does not have (did you mean 'clinic'?)"), m);
  }

  @Test
  void aMisspelledTableKeyInADatabaseOutsideTheRunIsStillChecked() {
    String m = refused("[clinic]", "databases: {clinic: {tables: {users: {columns: {diagnosis: drop}}}},"
        + " leaks: {tables: {contact: {default: drop}}}}");
    assertTrue(m.contains("names table 'leaks.contact', which database 'leaks' does not have"
        + " (did you mean 'contacts'?)"), m);
  }

  @Test
  void digitSuffixedJapaneseAndCommentedNamesNeedADecision() {
    String m = refused("[leaks]", "databases: {leaks: {tables: {tickets: {default: drop},"
        + " accounts: {default: drop}}}}");
    assertTrue(m.contains("column 'tel1' looks personal (its name matches pattern"), m);
    assertTrue(m.contains("column '電話番号' looks personal (its name matches pattern '電話')"), m);
    assertTrue(m.contains("column 'c1' looks personal (its comment matches pattern '氏名')"), m);
    assertFalse(m.contains("'plan'"), m);
  }

  @Test
  void freeTextAndJsonValuesThatHoldAddressesOrPhonesNeedADecision() {
    String m = refused("[leaks]", "databases: {leaks: {tables: {contacts: {default: drop},"
        + " accounts: {default: drop}}}}");
    assertTrue(m.contains("column 'memo' looks personal (value scan: 100 of 400 sampled values hold an e-mail"
        + " address)"), m);
    assertTrue(m.contains("column 'notes' looks personal (value scan: 80 of 400 sampled values hold a phone number"), m);
    assertTrue(m.contains("column 'profile' looks personal (value scan: 133 of 400 sampled values hold an e-mail"), m);
    assertFalse(m.contains("'status'"), m);
    for (String value : List.of("hidden4@example.org", "@example.org", "090-0005", "json3@", "5678")) {
      assertFalse(m.contains(value), "no sampled value in the message: " + value);
    }
  }

  @Test
  void aGeneratedColumnReadingAPersonalColumnNeedsADecision() {
    String m = refused("[leaks]", "databases: {leaks: {tables: {contacts: {default: drop}, tickets: {default: drop},"
        + " accounts: {columns: {email: hash}}}}}");
    assertTrue(m.contains("column 'contact' looks personal (it is generated from 'email', which needs a decision)"), m);
  }

  @Test
  void explicitDecisionsLetThePlanThroughAndKeepWins() {
    RunPlan plan = planner("[leaks]", "databases: {leaks: {tables: {"
        + "contacts: {columns: {tel1: redact, 電話番号: redact, c1: drop}},"
        + "tickets: {columns: {memo: drop, notes: keep, profile: {policy: redact, value: '{}'}}},"
        + "accounts: {columns: {email: hash, contact: drop}}}}}").plan(PlanInput.empty());
    assertEquals(3, plan.tableCount());
  }

  @Test
  void anEmptyPatternListIsRefused() {
    String m = assertThrows(MaskingPolicyException.class,
        () -> planner("[leaks]", "personalColumnPatterns: []\ndatabases: {}")).getMessage();
    assertTrue(m.contains("'personalColumnPatterns' is empty"), m);
  }
}
