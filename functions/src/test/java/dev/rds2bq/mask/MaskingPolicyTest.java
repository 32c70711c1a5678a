package dev.rds2bq.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.mysql.MySqlColumn;
import dev.rds2bq.source.mysql.MySqlTypes;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The policy file's rules, checked before any row is read. */
class MaskingPolicyTest {
  static SourceColumn col(String name, String type) {
    String dataType = type.replaceAll("\\(.*", "").replace(" unsigned", "");
    return MySqlTypes.column(new MySqlColumn(name, 1, dataType, type, true, type.startsWith("bit") ? 1 : 10, 0, 0, null,
        "", false));
  }

  static final TableSchema USERS = new TableSchema("app", "users", "", List.of(
      col("id", "bigint"), col("name", "varchar(100)"), col("email", "varchar(255)"), col("birthday", "date"),
      col("plan", "varchar(10)")), List.of("id"));

  static MaskingPolicyException failure(String yaml) {
    return assertThrows(MaskingPolicyException.class, () -> MaskingPolicy.parse("p.yaml", yaml).resolve(USERS));
  }

  @Test
  void decidesEveryColumnAndFingerprintsTheDecision() {
    MaskingPolicy p = MaskingPolicy.parse("p.yaml",
        "databases: {app: {tables: {users: {columns: {name: drop, email: {policy: hash, normalize: lowercase},"
            + " birthday: age_band}}}}}");
    TableMasking m = p.resolve(USERS);
    assertEquals(List.of("keep", "drop", "hash(lowercase)", "age_band", "keep"),
        m.columns().stream().map(d -> d.rule().canonical()).toList());
    assertEquals(List.of("id", "email", "birthday", "plan"), m.kept().stream().map(ColumnDecision::outputName).toList());
    assertEquals("STRING", m.kept().get(2).outputType().bigQueryType());
    TableMasking other = MaskingPolicy.parse("p.yaml",
        "databases: {app: {tables: {users: {columns: {name: drop, email: hash, birthday: age_band}}}}}").resolve(USERS);
    assertNotEquals(m.fingerprint(), other.fingerprint(), "a policy change must change the fingerprint");
    assertEquals(m.fingerprint(), p.resolve(USERS).fingerprint());
  }

  @Test
  void personalColumnWithoutPolicyFailsClosedNamingColumnAndFix() {
    MaskingPolicyException e = failure("databases: {app: {tables: {users: {columns: {name: drop}}}}}");
    assertTrue(e.getMessage().contains("p.yaml"), e.getMessage());
    assertTrue(e.getMessage().contains("app.users"), e.getMessage());
    assertTrue(e.getMessage().contains("'email' looks personal"), e.getMessage());
    assertTrue(e.getMessage().contains("'birthday' looks personal"), e.getMessage());
    assertTrue(e.getMessage().contains("databases.app.tables.users.columns.email"), e.getMessage());
  }

  @Test
  void tableMissingFromThePolicyStillFailsClosed() {
    assertTrue(failure("databases: {}").getMessage().contains("'name' looks personal"));
  }

  @Test
  void tableDefaultKeepDoesNotCoverPersonalColumnsButAMaskingDefaultDoes() {
    failure("databases: {app: {tables: {users: {default: keep}}}}");
    TableMasking m = MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {users: {default: drop,"
        + " columns: {id: keep}}}}}").resolve(USERS);
    assertEquals(List.of("id"), m.kept().stream().map(ColumnDecision::outputName).toList());
  }

  @Test
  void policyNamingMissingColumnIsAnError() {
    MaskingPolicyException e = failure("databases: {app: {tables: {users: {columns: {name: drop, email: hash,"
        + " birthday: drop, phone_number: drop}}}}}");
    assertTrue(e.getMessage().contains("no column 'phone_number'"), e.getMessage());
    assertTrue(e.getMessage().contains("rename or remove"), e.getMessage());
  }

  @Test
  void policyThatDoesNotFitTheTypeIsAnError() {
    MaskingPolicyException e = failure("databases: {app: {tables: {users: {columns: {name: age_band, email: hash,"
        + " birthday: email_domain}}}}}");
    assertTrue(e.getMessage().contains("'name' (varchar(100)) cannot take policy 'age_band'"), e.getMessage());
    assertTrue(e.getMessage().contains("'birthday' (date) cannot take policy 'email_domain'"), e.getMessage());
  }

  @Test
  void brokenFilesNameTheFileAndTheProblem() {
    assertTrue(assertThrows(MaskingPolicyException.class, () -> MaskingPolicy.parse("p.yaml", "databases: [unclosed"))
        .getMessage().contains("p.yaml is not valid YAML"));
    assertTrue(assertThrows(MaskingPolicyException.class,
        () -> MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {users: {columns: {name: scramble}}}}}"))
        .getMessage().contains("unknown policy 'scramble'"));
    assertTrue(assertThrows(MaskingPolicyException.class,
        () -> MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {users: {colums: {}}}}}"))
        .getMessage().contains("unknown key 'colums' at databases.app.tables.users"));
    assertTrue(assertThrows(MaskingPolicyException.class,
        () -> MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {users: {columns: {name: {policy: drop, value: x}}}}}}"))
        .getMessage().contains("value is only for 'redact'"));
    assertTrue(assertThrows(MaskingPolicyException.class,
        () -> MaskingPolicy.parse("p.yaml", "personalColumnPatterns: ['(']\ndatabases: {}"))
        .getMessage().contains("not a valid regular expression"));
    assertTrue(assertThrows(MaskingPolicyException.class, () -> MaskingPolicy.parse("p.yaml", "version: 2\ndatabases: {}"))
        .getMessage().contains("'version' must be 1"));
  }

  @Test
  void unmappableTypeMustBeDropped() {
    TableSchema t = new TableSchema("app", "v", "", List.of(col("id", "int"), col("embedding", "vector(3)")), List.of("id"));
    MaskingPolicyException e = assertThrows(MaskingPolicyException.class,
        () -> MaskingPolicy.parse("p.yaml", "databases: {}").resolve(t));
    assertTrue(e.getMessage().contains("'embedding' has type 'vector(3)'"), e.getMessage());
    TableMasking m = MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {v: {columns: {embedding: drop}}}}}").resolve(t);
    assertEquals(1, m.kept().size());
  }

  @Test
  void detectorMatchesWordsNotSubstringsWhereItMatters() {
    PersonalDataDetector d = new PersonalDataDetector(PersonalDataDetector.DEFAULT_PATTERNS);
    for (String personal : List.of("first_name", "nameKana", "email_address", "phone", "tel", "home_tel", "birthDate",
        "dob", "zip_code", "postal_code", "client_ip", "ip", "password_hash", "api_token", "address2")) {
      assertTrue(d.match(personal) != null, personal);
    }
    for (String plain : List.of("id", "description", "hotel_id", "zipper", "plan", "created_at", "steps", "title")) {
      assertNull(d.match(plain), plain);
    }
  }

  @Test
  void unknownTablesAreReportedForPlanTimeChecks() {
    MaskingPolicy p = MaskingPolicy.parse("p.yaml", "databases: {app: {tables: {users: {}, userz: {}}}}");
    assertEquals(List.of("userz"), p.unknownTables("app", Set.of("users", "meals")));
  }
}
