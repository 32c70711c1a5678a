package dev.rds2bq.export;

import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rds2bq.mask.HmacHasher;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every policy on real rows, read back by DuckDB. */
class MaskingExportTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = """
      databases:
        app:
          tables:
            users:
              columns:
                name: drop
                email: {policy: hash, normalize: lowercase}
                login: hash
                contact_email: email_domain
                birthday: age_band
                born_at: age_band
                signup_date: year
                last_seen: year_month
                phone: {policy: redact}
                postal_code: {policy: redact, value: "***"}
                note_token: keep
      """;

  private static List<Map<String, Object>> rows;
  private static ExportResult result;

  @BeforeAll
  static void export() throws Exception {
    stack.database("app",
        "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), login VARCHAR(30),"
            + " contact_email VARCHAR(100), birthday DATE, born_at DATETIME, signup_date DATE, last_seen DATETIME(3),"
            + " phone VARCHAR(20), postal_code VARCHAR(10), note_token VARCHAR(10), plan VARCHAR(10))",
        "INSERT INTO users VALUES"
            + " (1, '山田 太郎', ' Taro@Example.COM', 'taro', 'taro@Mail.Example.JP', '1990-11-27', '1996-11-26 23:00:00',"
            + "  '2021-03-15', '2026-11-25 08:30:00.123', '090-1234-5678', '100-0001', 'abc', 'free'),"
            + " (2, 'Ann', 'taro@example.com', 'ann', 'no-at-sign', '2026-12-01', '1926-01-01 00:00:00',"
            + "  '1999-12-31', '2000-02-29 00:00:00', NULL, NULL, NULL, 'premium'),"
            + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
    String bucket = stack.bucket("masking");
    result = stack.exporter(LocalStack.config(bucket, ""), "app", POLICY)
        .export(new ExportRequest("r1", "1", "2026-11-26", "app", "users", null));
    List<Path> files = result.files().stream().map(f -> stack.file(bucket, f.key())).toList();
    rows = Parquet.query(files, "SELECT * EXCLUDE (last_seen, signup_date), CAST(signup_date AS VARCHAR) AS signup_date,"
        + " CAST(last_seen AS VARCHAR) AS last_seen FROM t ORDER BY id");
  }

  @Test
  void dropRemovesTheColumn() {
    assertFalse(rows.get(0).containsKey("name"));
    assertEquals("drop", result.columns().stream().filter(c -> c.source().equals("name")).findFirst().get().policy());
  }

  @Test
  void hashIsKeyedDeterministicAndNormalizedWhenAsked() {
    String expected = hmac("taro@example.com");
    assertEquals(expected, rows.get(0).get("email"), "trimmed and lower-cased before hashing");
    assertEquals(expected, rows.get(1).get("email"), "the same person joins across rows");
    assertEquals(hmac("taro"), rows.get(0).get("login"));
    assertNull(rows.get(2).get("email"));
    assertEquals(new HmacHasher(LocalStack.HASH_KEY.getBytes(StandardCharsets.UTF_8)).keyId(), result.hashKeyId());
  }

  @Test
  void ageBandIsTheDecadeAtTheRunDate() {
    assertEquals("30s", rows.get(0).get("birthday"), "turns 36 the day after the run date: still 35");
    assertNull(rows.get(1).get("birthday"), "born after the run date");
    assertEquals("30s", rows.get(0).get("born_at"), "30 on the run date");
    assertEquals("100s", rows.get(1).get("born_at"));
  }

  @Test
  void yearAndYearMonthTruncateToTheFirstDay() {
    assertEquals("2021-01-01", rows.get(0).get("signup_date"));
    assertEquals("2026-11-01", rows.get(0).get("last_seen"));
    assertEquals("2000-02-01", rows.get(1).get("last_seen"));
  }

  @Test
  void redactWritesNullOrTheConstant() {
    assertNull(rows.get(0).get("phone"));
    assertEquals("***", rows.get(0).get("postal_code"));
    assertNull(rows.get(1).get("postal_code"), "NULL stays NULL");
  }

  @Test
  void emailDomainKeepsOnlyTheLowerCasedDomain() {
    assertEquals("mail.example.jp", rows.get(0).get("contact_email"));
    assertNull(rows.get(1).get("contact_email"), "no '@': NULL, never the raw value");
  }

  @Test
  void keepAndUndecidedPlainColumnsPassThrough() {
    assertEquals("abc", rows.get(0).get("note_token"));
    assertEquals("free", rows.get(0).get("plan"));
  }

  private static String hmac(String value) {
    return new String(new HmacHasher(LocalStack.HASH_KEY.getBytes(StandardCharsets.UTF_8))
        .hexDigest(value.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }
}
