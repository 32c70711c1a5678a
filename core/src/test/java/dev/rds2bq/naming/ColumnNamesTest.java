package dev.rds2bq.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.ConfigException;
import dev.rds2bq.naming.ColumnNames.Characters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The column-name rule of docs/type-mapping.md#column-names, flexible and ASCII, with renames. */
class ColumnNamesTest {
  private static List<String> flexible(String... names) {
    return ColumnNames.DEFAULT.assign("db", "t", List.of(names), List.of());
  }

  @Test
  void namesBigQueryAcceptsAreKeptAsTheyAre() {
    List<String> kept = List.of("数量", "備考", "first name", "2fa_enabled", "価格-税込", "naïve", "Größe", "a&b=c+d",
        "x:y", "no#", "%rate", "<in>", "it's", "a|b", "ｶﾅ", "①", "Ⅻ", "数量　単位", "e\u0301", "_x", "𠮷野家");
    assertEquals(kept, flexible(kept.toArray(new String[0])));
    for (String name : kept) {
      assertNull(ColumnNames.problem(name, Characters.FLEXIBLE), name);
    }
  }

  @Test
  void refusedCharactersBecomeUnderscoresAndSymbolOnlyNamesAreSpelledOut() {
    assertEquals(List.of("a_b", "price _tax_", "_ mood", "u2705", "u1F600", "u0024_u0024", "a_b_2", "q_"),
        flexible("a.b", "price (tax)", "😀 mood", "✅", "😀", "$$", "a,b", "q?"));
    assertTrue(ColumnNames.problem("a.b", Characters.FLEXIBLE).contains("'.' (U+002E) is not allowed"));
    assertTrue(ColumnNames.problem("😀", Characters.FLEXIBLE).contains("U+1F600"));
    assertTrue(ColumnNames.problem("tab\there", Characters.FLEXIBLE).contains("U+0009"), "whitespace means spaces");
  }

  @Test
  void reservedPrefixesAreAvoidedWhateverTheirCase() {
    assertEquals(List.of("c_PARTITIONTIME", "c_change_type", "c__ROOT__x", "c_Change_Sequence_Number", "_partitio"),
        flexible("_PARTITIONTIME", "_change_type", "__ROOT__x", "_Change_Sequence_Number", "_partitio"));
    assertTrue(ColumnNames.problem("_table_suffix", Characters.FLEXIBLE).contains("_TABLE_"));
    assertTrue(ColumnNames.problem("_CHANGE_TIMESTAMP", Characters.FLEXIBLE).contains("reserves"));
  }

  @Test
  void namesAreUniqueWithoutRegardToCaseInAnyScript() {
    assertEquals(List.of("Name", "name_2", "Ä", "ä_2", "Ａ", "ａ_2", "a_b_2", "a_b_3", "A_B"),
        flexible("Name", "name", "Ä", "ä", "Ａ", "ａ", "a.b", "a/b", "A_B"),
        "a name kept as it is claims it first; replacements move aside");
  }

  @Test
  void lengthIsCountedInCharactersNotJavaChars() {
    String han = "数".repeat(400);
    String rare = "𠮷".repeat(301); // outside the BMP: two Java chars each
    List<String> out = flexible(han, han + "x", rare);
    assertEquals(300, out.get(0).codePointCount(0, out.get(0).length()));
    assertEquals(300, out.get(1).codePointCount(0, out.get(1).length()));
    assertTrue(out.get(1).endsWith("_2"), out.get(1));
    assertEquals("𠮷".repeat(300), out.get(2));
    assertTrue(ColumnNames.problem("x".repeat(301), Characters.FLEXIBLE).contains("longer than 300"));
    assertNull(ColumnNames.problem("𠮷".repeat(300), Characters.FLEXIBLE));
  }

  @Test
  void asciiKeepsTheOldRuleWithReadableFallbacks() {
    ColumnNames ascii = new ColumnNames(Characters.ASCII, Map.of());
    assertEquals(List.of("id", "first_name", "_2fa", "u6570_u91CF", "a_b", "c_PARTITIONTIME", "caf_"),
        ascii.assign("db", "t", List.of("id", "first name", "2fa", "数量", "a.b", "_PARTITIONTIME", "café"), List.of()));
    assertTrue(ColumnNames.problem("2fa", Characters.ASCII).contains("'2'"));
    assertTrue(ColumnNames.problem("数量", Characters.ASCII).contains("ASCII"));
    assertNull(ColumnNames.problem("_2fa", Characters.ASCII));
  }

  @Test
  void renamesWinAndEveryMistakeInThemIsNamed() {
    ColumnNames names = new ColumnNames(Characters.FLEXIBLE,
        Map.of("shop.orders", Map.of("備考", "remarks", "ID", "order_id", "a.b", "a_b")));
    assertEquals(List.of("order_id", "remarks", "a_b", "a_b_2", "数量"),
        names.assign("shop", "orders", List.of("id", "備考", "a.b", "a,b", "数量"), List.of("memo")),
        "renames match source columns without regard to case; a fallback that meets one moves aside");
    assertEquals(List.of("id"), names.assign("shop", "items", List.of("id"), List.of()), "other tables unchanged");

    String missing = assertThrows(ConfigException.class, () -> names.assign("shop", "orders",
        List.of("id", "a.b"), List.of())).getMessage();
    assertTrue(missing.contains("column '備考' of table shop.orders") && missing.contains("no such column")
        && missing.contains("[id, a.b]") && missing.contains("Fix:"), missing);
    String dropped = assertThrows(ConfigException.class, () -> names.assign("shop", "orders",
        List.of("id", "a.b"), List.of("備考"))).getMessage();
    assertTrue(dropped.contains("the masking policy drops it"), dropped);

    ColumnNames taken = new ColumnNames(Characters.FLEXIBLE, Map.of("shop.orders", Map.of("備考", "total")));
    String clash = assertThrows(ConfigException.class, () -> taken.assign("shop", "orders",
        List.of("備考", "Total"), List.of())).getMessage();
    assertTrue(clash.contains("renames column '備考' to 'total', the name of column 'Total'"), clash);

    ColumnNames twice = new ColumnNames(Characters.FLEXIBLE, Map.of("shop.orders", Map.of("a", "x", "b", "X")));
    assertTrue(assertThrows(ConfigException.class, () -> twice.assign("shop", "orders", List.of("a", "b"), List.of()))
        .getMessage().contains("gives the name 'X' twice"));
  }
}
