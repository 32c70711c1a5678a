package dev.rds2bq.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.contract.RunPlan.TablePlan;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.mask.HmacHasher;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL source through the real planner and exporter: personal columns found by name,
 * comment, generated expression and the plan-time value scan stop the run until decided; a big table
 * is split into ranges; and every masking policy applies to PostgreSQL's own types (citext e-mails,
 * timestamptz birthdays, dates), read back by DuckDB.
 */
class PostgresPlanAndMaskingTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String DB = "pgclinic";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T03:00:00Z"), ZoneOffset.UTC);
  private static final String DECIDED = """
      databases:
        clinic:
          tables:
            patients:
              columns:
                full_name: drop
                email: {policy: hash, normalize: lowercase}
                contact: hash
                born: age_band
                first_visit: year_month
                referral_mail: email_domain
                memo: {policy: redact, value: "***"}
                notes: drop
      """;

  @BeforeAll
  static void load() throws Exception {
    stack.postgresDatabase(DB,
        "CREATE EXTENSION citext",
        "CREATE SCHEMA clinic",
        "CREATE TABLE clinic.patients (id bigint PRIMARY KEY, full_name text, email citext,"
            + " contact citext GENERATED ALWAYS AS (lower(email)) STORED, born timestamptz, first_visit date,"
            + " referral_mail text, memo text, notes text, plan text)",
        "COMMENT ON COLUMN clinic.patients.memo IS '連絡先メモ (電話番号)'",
        "INSERT INTO clinic.patients (id, full_name, email, born, first_visit, referral_mail, memo, notes, plan)"
            + " SELECT g, 'name ' || g, 'User' || g || '@Example.COM', TIMESTAMPTZ '1990-11-27 01:00+09' + g * interval"
            + " '1 day', DATE '2020-03-15' + g, 'ref' || g || '@Mail.Example.JP', 'm', CASE WHEN g % 3 = 0 THEN"
            + " 'call me at 090-1234-' || lpad((g % 10000)::text, 4, '0') ELSE 'fine' END, 'free'"
            + " FROM generate_series(1, 30000) g",
        "ANALYZE clinic.patients");
  }

  private static PipelineConfig config(String bucket) {
    return LocalStack.postgresConfig(bucket, DB, "databases: [clinic]\nplanning: {rowsPerRange: 10000, bigTableRows:"
        + " 20000}\n");
  }

  private static Engines engines(PipelineConfig config) {
    return new Engines(config, new MapSecretSource(stack.postgresSecrets(DB)), stack.store(config.bucket()));
  }

  @Test
  void undecidedPersonalColumnsStopThePlanWithEveryReason() {
    PipelineConfig config = config(stack.bucket("pgplan"));
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class, () -> engines(config)
        .planner(MaskingPolicy.parse("m.yaml", "databases: {clinic: {tables: {}}}"), CLOCK, null)
        .plan(PlanInput.empty()));
    String m = e.getMessage();
    assertTrue(m.contains("column 'full_name' looks personal (its name matches"), m);
    assertTrue(m.contains("column 'memo' looks personal (its comment matches"), m);
    assertTrue(m.contains("column 'contact' looks personal (it is generated from 'email'"), m);
  }

  @Test
  void theValueScanFindsPhoneNumbersInFreeText() {
    PipelineConfig config = config(stack.bucket("pgplan"));
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class, () -> engines(config)
        .planner(MaskingPolicy.parse("m.yaml", withoutLine(DECIDED, "notes: drop")), CLOCK, null)
        .plan(PlanInput.empty()));
    String m = e.getMessage();
    assertTrue(m.contains("column 'notes' looks personal (value scan:") && m.contains("phone"), m);
    assertFalse(m.contains("090-1234-"), "no sampled value in the message: " + m);
  }

  @Test
  void aDecidedPolicyPlansTheBigTableInRanges() {
    PipelineConfig config = config(stack.bucket("pgplan"));
    RunPlan plan = engines(config).planner(MaskingPolicy.parse("m.yaml", DECIDED), CLOCK, null)
        .plan(PlanInput.empty());
    TablePlan patients = plan.tables().get(0);
    assertEquals("patients", patients.table());
    assertEquals(3, patients.expectedRanges(), patients.note());
    assertTrue(patients.note().contains("by histogram boundaries of id"), patients.note());
  }

  @Test
  void everyPolicyAppliesToPostgresTypes() throws Exception {
    PipelineConfig config = config(stack.bucket("pgmask"));
    ExportResult result = engines(config).exporter(MaskingPolicy.parse("m.yaml", DECIDED),
        dev.rds2bq.export.ExportListener.NONE).export(new ExportRequest("r1", "1", "2026-11-26", "clinic", "patients",
        new dev.rds2bq.contract.KeyRange(0, "id", null, "4")));
    List<Path> files = result.files().stream().map(f -> stack.file(config.bucket(), f.key())).toList();
    List<Map<String, Object>> rows = Parquet.query(files, "SELECT * EXCLUDE (first_visit),"
        + " CAST(first_visit AS VARCHAR) AS first_visit FROM t ORDER BY id");
    assertEquals(3, rows.size());
    Map<String, Object> first = rows.get(0);
    assertFalse(first.containsKey("full_name"));
    assertFalse(first.containsKey("notes"));
    assertEquals(hmac("user1@example.com"), first.get("email"), "citext hashed as its lower-cased text");
    assertEquals(hmac("user1@example.com"), first.get("contact"), "the generated column hashed too");
    assertEquals("30s", first.get("born"), "1990-11-27 01:00+09 plus a day is 1990-11-27 16:00 UTC: 35 on the run date");
    assertEquals("2020-03-01", first.get("first_visit"));
    assertEquals("mail.example.jp", first.get("referral_mail"));
    assertEquals("***", first.get("memo"));
    assertEquals("free", first.get("plan"));
    assertNull(result.zeroDates().get("born"));
  }

  /** The policy without the line that holds {@code rule} (whatever its indentation). */
  private static String withoutLine(String policy, String rule) {
    String out = policy.lines().filter(l -> !l.strip().equals(rule)).collect(java.util.stream.Collectors.joining("\n"));
    assertFalse(out.equals(policy.strip()), "the policy has the line " + rule);
    return out;
  }

  private static String hmac(String value) {
    return new String(new HmacHasher(LocalStack.HASH_KEY.getBytes(StandardCharsets.UTF_8))
        .hexDigest(value.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }
}
