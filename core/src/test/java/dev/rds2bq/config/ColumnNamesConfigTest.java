package dev.rds2bq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.ConfigException;
import dev.rds2bq.naming.ColumnNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code columnNames} section: checked once, when the config is read. */
class ColumnNamesConfigTest {
  private static final String BASE = "bucket: b-1\nsource: {secretId: s, tls: disabled}\nmasking: {policyFile: p.yaml}\n";

  private static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> PipelineConfig.parse("c.yaml", BASE + yaml)).getMessage();
  }

  @Test
  void defaultsAreFlexibleNamesWithoutRenames() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", BASE);
    assertEquals(ColumnNames.Characters.FLEXIBLE, c.columnNames().characters());
    assertEquals(Map.of(), c.columnNames().rename());
  }

  @Test
  void renamesAndCharactersAreRead() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", BASE
        + "columnNames:\n  characters: ascii\n  rename:\n    clinic.patients:\n      備考: remarks\n      \"患者 ID\": patient_id\n");
    assertEquals(ColumnNames.Characters.ASCII, c.columnNames().characters());
    assertEquals("remarks", c.columnNames().rename().get("clinic.patients").get("備考"));
    assertEquals(List.of("patient_id", "remarks"), c.columnNames().names().assign("clinic", "patients",
        List.of("患者 ID", "備考"), List.of()));
  }

  @Test
  void aTargetBigQueryWouldRefuseFailsNamingTheKeyAndTheRule() {
    String dot = error("columnNames: {rename: {shop.orders: {note: \"a.b\"}}}");
    assertTrue(dot.contains("key 'columnNames.rename.shop.orders.note'") && dot.contains("'.' (U+002E)")
        && dot.contains("got 'a.b'"), dot);
    assertTrue(error("columnNames: {rename: {shop.orders: {note: _PARTITION_x}}}").contains("reserves"));
    assertTrue(error("columnNames: {characters: ascii, rename: {shop.orders: {note: 備考}}}").contains("ASCII"));
    assertTrue(error("columnNames: {rename: {shop.orders: {a: x, b: X}}}").contains("unique in the table"));
    assertTrue(error("columnNames: {rename: {orders: {a: x}}}").contains("database.table"));
    assertTrue(error("columnNames: {characters: latin}").contains("allowed: [flexible, ascii]"));
    assertTrue(error("columnNames: {renames: {}}").contains("unknown key 'columnNames.renames'"));
  }
}
