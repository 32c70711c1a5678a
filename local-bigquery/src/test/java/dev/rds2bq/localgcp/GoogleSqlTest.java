package dev.rds2bq.localgcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** GoogleSQL into DuckDB SQL: what is rewritten, and what is refused rather than read another way. */
class GoogleSqlTest {
  private static String duck(String sql) {
    return GoogleSql.toDuckDb(sql, "proj-1").sql();
  }

  @Test
  void tablePathsLoseTheirProjectAndAreQuotedPerPart() {
    assertEquals("SELECT a FROM \"ds\".\"t\"", duck("SELECT a FROM `proj-1.ds.t`"));
    assertEquals("SELECT \"a\" FROM \"ds\".\"t\"", duck("SELECT `a` FROM `proj-1`.`ds`.`t`"));
    assertEquals(List.of(List.of("ds", "t")), GoogleSql.toDuckDb("SELECT a FROM `proj-1.ds.t`", "proj-1").tables());
    GoogleSql.Refused other = assertThrows(GoogleSql.Refused.class, () -> duck("SELECT 1 FROM `other-p.ds.t`"));
    assertTrue(other.getMessage().contains("other-p"), other.getMessage());
    assertThrows(GoogleSql.Refused.class, () -> duck("SELECT 1 FROM `proj-1.ds.t$20260101`"));
  }

  @Test
  void stringsCommentsAndParameters() {
    assertEquals("SELECT 'it''s', 'a\"b'  \n FROM \"ds\".\"t\" WHERE x = ?", duck(
        "SELECT \"it's\", 'a\\\"b' -- a comment\n FROM `proj-1.ds.t` WHERE x = @x"));
    assertEquals(List.of("x", "y"), GoogleSql.toDuckDb("SELECT @x + @y", "p").parameters());
  }

  @Test
  void mergeAndFunctionsAreRewritten() {
    assertEquals("MERGE INTO \"ds\".\"t\" T USING \"ds\".\"s\" S ON \"T\".\"id\" = \"S\".\"id\""
        + " WHEN NOT MATCHED THEN INSERT *",
        duck("MERGE `proj-1.ds.t` T USING `proj-1.ds.s` S ON T.id = S.id WHEN NOT MATCHED THEN INSERT ROW"));
    assertEquals("SELECT lower(hex(unhex(md5(CAST(k AS VARCHAR))))), strlen(s), count_if(b)",
        duck("SELECT TO_HEX(MD5(CAST(k AS STRING))), BYTE_LENGTH(s), COUNTIF(b)"));
    assertEquals("SELECT CAST(CAST('0x1f' AS BIGINT) AS DECIMAL(38,9))", duck("SELECT CAST(CAST('0x1f' AS INT64) AS NUMERIC)"));
    assertEquals("SELECT CAST('2026-01-01 00:00:00+09' AS TIMESTAMPTZ), CAST('1.5' AS DECIMAL(38,9))",
        duck("SELECT TIMESTAMP '2026-01-01 00:00:00+09', NUMERIC '1.5'"));
    assertEquals("SELECT * EXCLUDE (a) FROM \"ds\".\"t\"", duck("SELECT * EXCEPT (a) FROM `proj-1.ds.t`"));
  }

  @Test
  void whatWouldReadDifferentlyIsRefused() {
    for (String sql : List.of("SELECT 1; SELECT 2", "DECLARE x INT64", "SELECT FARM_FINGERPRINT('a')",
        "SELECT * FROM UNNEST([1])", "SELECT r'raw'", "SELECT '''triple'''", "SELECT @@project_id",
        "SELECT * FROM t FOR SYSTEM_TIME AS OF CURRENT_TIMESTAMP()")) {
      assertThrows(GoogleSql.Refused.class, () -> duck(sql), sql);
    }
  }
}
