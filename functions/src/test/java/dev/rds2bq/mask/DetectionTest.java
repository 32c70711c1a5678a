package dev.rds2bq.mask;

import dev.rds2bq.source.mysql.MySqlColumn;
import dev.rds2bq.source.mysql.MySqlTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig.RequireDecisions;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Detection by name (Japanese and digit-suffixed forms), by comment and by generation expression; policy names. */
class DetectionTest {
  private static final PersonalDataDetector DEFAULT = new PersonalDataDetector(PersonalDataDetector.DEFAULT_PATTERNS);

  static SourceColumn col(String name, String type, String comment, String expression) {
    String dataType = type.replaceAll("\\(.*", "");
    return MySqlTypes.column(new MySqlColumn(name, 1, dataType, type, true, 10, 0, 0, null, comment, false,
        expression));
  }

  @Test
  void japaneseAndDigitSuffixedNamesLookPersonal() {
    for (String personal : List.of("tel1", "tel01", "TEL_2", "zip01", "fax1", "ipv4", "ipv6_addr", "credit_card",
        "creditCardNo", "pref", "prefecture", "氏名", "お名前", "名前カナ", "カナ", "ｶﾅ", "フリガナ", "電話番号", "携帯電話",
        "住所1", "郵便番号", "生年月日", "誕生日", "メールアドレス", "性別", "口座番号", "マイナンバー", "個人番号",
        "ＴＥＬ", "sei", "mei_kana", "denwa_bango", "jusho", "yubin_no", "address_2", "cvv")) {
      assertNotNull(DEFAULT.match(personal), personal);
    }
    for (String plain : List.of("id", "description", "hotel_id", "zipper", "plan", "created_at", "steps", "title",
        "preferences", "telemetry", "md5", "utf8_text", "商品コード", "数量", "memo", "body", "steps_2024", "seizure")) {
      assertNull(DEFAULT.match(plain), plain);
    }
  }

  @Test
  void commentsGoThroughTheSamePatterns() {
    assertEquals("氏名", DEFAULT.matchComment("顧客の氏名"));
    assertEquals("電話", DEFAULT.matchComment("連絡先電話番号"));
    assertNotNull(DEFAULT.matchComment("Home phone of the patient"));
    assertNotNull(DEFAULT.matchComment("customer e-mail"), "e-mail reads as e_mail, which 'mail' finds");
    assertNull(DEFAULT.matchComment("app user id"));
    assertNull(DEFAULT.matchComment(""));
    assertNull(DEFAULT.matchComment(null));
  }

  private static final TableSchema CONTACTS = new TableSchema("app", "contacts", "", List.of(
      col("id", "bigint", "", null),
      col("c1", "varchar(40)", "氏名", null),
      col("tel1", "varchar(20)", "", null),
      col("電話番号", "varchar(20)", "", null),
      col("email", "varchar(80)", "", null),
      col("contact", "varchar(80)", "", "`email`"),
      col("contact_upper", "varchar(80)", "", "upper(`contact`)"),
      col("note", "text", "", null),
      col("label", "varchar(20)", "", "concat('email',`id`)")), List.of("id"));

  @Test
  void everyDetectorNamesWhatFired() {
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class,
        () -> MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {contacts: {columns: {email: hash}}}}}")
            .resolve(CONTACTS, Map.of("note", "value scan: 12 of 40 sampled values hold a phone number")));
    String m = e.getMessage();
    assertTrue(m.contains("'c1' looks personal (its comment matches pattern '氏名')"), m);
    assertTrue(m.contains("'tel1' looks personal (its name matches pattern '(^|_)tel(_|$)')"), m);
    assertTrue(m.contains("'電話番号' looks personal (its name matches pattern '電話')"), m);
    assertTrue(m.contains("'contact' looks personal (it is generated from 'email', which needs a decision)"), m);
    assertTrue(m.contains("'contact_upper' looks personal (it is generated from 'contact'"), m);
    assertTrue(m.contains("'note' looks personal (value scan: 12 of 40 sampled values hold a phone number)"), m);
    assertTrue(!m.contains("'label'"), "a text literal in an expression is not a column read: " + m);
    assertTrue(!m.contains("'email' looks"), "email has its rule: " + m);
  }

  @Test
  void anExplicitKeepAlwaysWins() {
    TableMasking t = MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {contacts: {columns: {email: keep,"
        + " c1: keep, tel1: keep, 電話番号: keep, note: keep}}}}}")
        .resolve(CONTACTS, Map.of("note", "value scan: 12 of 40 sampled values hold a phone number"));
    assertEquals(9, t.kept().size(), "kept email means contact reads nothing that needs a decision");
  }

  @Test
  void emptyPatternListIsRefused() {
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class,
        () -> MaskingPolicy.parse("p.yaml", "personalColumnPatterns: []\ndatabases: {}"));
    assertTrue(e.getMessage().contains("'personalColumnPatterns' is empty"), e.getMessage());
  }

  @Test
  void wrongCaseDatabaseOrTableIsAnErrorEvenAtExportTime() {
    TableSchema users = new TableSchema("clinic", "users", "", List.of(col("id", "int", "", null),
        col("diagnosis", "varchar(100)", "", null)), List.of("id"));
    MaskingPolicyException db = assertThrows(MaskingPolicyException.class, () -> MaskingPolicy.parse("p.yaml",
        "databases: {Clinic: {tables: {users: {columns: {diagnosis: drop}}}}}").resolve(users));
    assertTrue(db.getMessage().contains("names database 'Clinic', but the source's is 'clinic'"), db.getMessage());
    MaskingPolicyException t = assertThrows(MaskingPolicyException.class, () -> MaskingPolicy.parse("p.yaml",
        "databases: {clinic: {tables: {Users: {columns: {diagnosis: drop}}}}}").resolve(users));
    assertTrue(t.getMessage().contains("names table 'Users'"), t.getMessage());
  }

  @Test
  void policyNamesAreCheckedAgainstTheSourceWithASuggestion() {
    MaskingPolicy p = MaskingPolicy.parse("p.yaml", "databases: {clinc: {tables: {users: {}}}, Billing: {tables: {}},"
        + " shop: {tables: {order: {}, items: {}}}, nothing_like_it: {tables: {}}}");
    List<String> problems = p.unknownNames(Set.of("clinic", "billing", "shop"),
        db -> db.equals("shop") ? Set.of("orders", "items") : Set.of());
    assertEquals(4, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("database 'clinc', which the source does not have (did you mean 'clinic'?)"),
        problems.get(0));
    assertTrue(problems.get(1).contains("(did you mean 'billing'?)"), problems.get(1));
    assertTrue(problems.get(2).contains("table 'shop.order'") && problems.get(2).contains("did you mean 'orders'?"),
        problems.get(2));
    assertTrue(problems.get(3).contains("'nothing_like_it'") && !problems.get(3).contains("did you mean"),
        problems.get(3));
  }

  @Test
  void didYouMeanPrefersCaseThenFewEdits() {
    assertEquals("clinic", DidYouMean.suggest("Clinic", List.of("clinic", "clinics")));
    assertEquals("clinic", DidYouMean.suggest("clnic", List.of("billing", "clinic")));
    assertEquals("users", DidYouMean.suggest("usres", List.of("users", "meals")));
    assertNull(DidYouMean.suggest("payments", List.of("users", "meals")));
  }

  @Test
  void strictModeListsEveryUndecidedTableAndColumn() {
    MaskingPolicy p = MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {contacts: {columns: {email: hash,"
        + " c1: drop, tel1: drop, 電話番号: drop, contact: drop, contact_upper: drop}}}}}")
        .withRequireDecisions(RequireDecisions.ALL);
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class, () -> p.resolve(CONTACTS));
    for (String undecided : List.of("'id'", "'note'", "'label'")) {
      assertTrue(e.getMessage().contains("column " + undecided + " has no decision (masking.requireDecisions: all)"),
          e.getMessage());
    }
    TableSchema other = new TableSchema("app", "other", "", List.of(col("id", "int", "", null)), List.of("id"));
    assertTrue(assertThrows(MaskingPolicyException.class, () -> p.resolve(other)).getMessage()
        .contains("the table is not in the policy (masking.requireDecisions: all)"));
    MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {other: {default: keep}}}}")
        .withRequireDecisions(RequireDecisions.ALL).resolve(other);
  }

  @Test
  void theValueScanReadsOnlyColumnsKeptWithoutADecision() {
    MaskingPolicy p = MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {contacts: {columns: {email: hash,"
        + " label: keep}}}}}");
    assertEquals(List.of("contact", "contact_upper", "note"),
        p.valueScanColumns(CONTACTS).stream().map(SourceColumn::name).toList());
    assertEquals(List.of(), MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {contacts: {default: drop}}}}")
        .valueScanColumns(CONTACTS));
  }
}
