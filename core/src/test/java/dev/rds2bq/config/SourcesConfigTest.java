package dev.rds2bq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig.Engine;
import dev.rds2bq.config.PipelineConfig.NamedSource;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several sources in one config: each with its engine, secret, TLS and databases; names that keep
 * their bucket folders and BigQuery tables apart; and the single-source config read as before.
 */
class SourcesConfigTest {
  static final String TWO = """
      bucket: my-bucket
      masking: {policyFile: m.yaml}
      tables: {exclude: ["*_backup"]}
      sources:
        app:
          secretId: rds2bq/app
          tls: disabled
          databases: [clinic, billing]
        ledger:
          engine: postgresql
          secretId: rds2bq/ledger
          caBundle: /opt/rds/global-bundle.pem
          database: ledger
          databases: [public]
          tables: {include: ["public.entries"]}
      """;
  static final String BQ = "bigquery: {projectId: acme-analytics, dataset: snaps, credentialsSecretId: g,"
      + " s3AccessKeySecretId: k}\n";

  static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> PipelineConfig.parse("c.yaml", yaml)).getMessage();
  }

  @Test
  void eachSourceHasItsEngineSecretTlsAndDatabases() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", TWO);
    List<NamedSource> sources = c.sourceList();
    assertEquals(List.of("app", "ledger"), sources.stream().map(NamedSource::name).toList());
    NamedSource app = sources.get(0);
    assertEquals(Engine.MYSQL, app.config().engine());
    assertEquals(List.of("clinic", "billing"), app.databases());
    assertEquals(List.of("*_backup"), app.tables().exclude(), "the top-level rules, as the source has none");
    assertEquals(3306, app.config().defaultPort());
    NamedSource ledger = c.namedSource("ledger");
    assertEquals(Engine.POSTGRESQL, ledger.config().engine());
    assertEquals("ledger", ledger.config().database());
    assertEquals(List.of("public.entries"), ledger.tables().include());
    assertEquals(5432, ledger.config().defaultPort());
    assertEquals("sources.ledger", ledger.key());
    assertEquals("ledger.public", ledger.qualify("public"));
  }

  @Test
  void theSingleSourceConfigIsOneUnnamedSource() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", PipelineConfigTest.BASE + "databases: [clinic]\n");
    NamedSource only = c.sourceList().get(0);
    assertNull(only.name());
    assertEquals(List.of("clinic"), only.databases());
    assertEquals("clinic", only.qualify("clinic"));
    InvalidInputException named = assertThrows(InvalidInputException.class, () -> c.namedSource("app"));
    assertTrue(named.getMessage().contains("the config has a single source"), named.getMessage());
  }

  @Test
  void aRequestNamingNoSourceOrAnUnknownOneIsRefusedWithTheValidNames() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", TWO);
    assertEquals("source 'crm' is not in the config; the config's sources are [app, ledger]",
        assertThrows(InvalidInputException.class, () -> c.namedSource("crm")).getMessage());
    assertEquals("source is not named; the config's sources are [app, ledger]",
        assertThrows(InvalidInputException.class, () -> c.namedSource(null)).getMessage());
  }

  @Test
  void badSourceConfigsNameTheKey() {
    String both = error(TWO + "source: {secretId: s, tls: disabled}\n");
    assertTrue(both.contains("key 'sources' must be absent when 'source' is set"), both);
    String topDatabases = error(TWO + "databases: [clinic]\n");
    assertTrue(topDatabases.contains("key 'databases' must be absent with 'sources'"), topDatabases);
    for (String bad : List.of("App", "my_app", "a/b", "1app")) {
      String e = error(TWO.replace("  app:", "  \"" + bad + "\":"));
      assertTrue(e.contains("key 'sources." + bad + "' must be named with 1-30 lower-case letters and digits"), e);
    }
    String ca = error(TWO.replace("    caBundle: /opt/rds/global-bundle.pem\n", ""));
    assertTrue(ca.contains("key 'sources.ledger.caBundle'"), ca);
    String dotted = error(TWO.replace("databases: [public]", "databases: [\"a.b\"]"));
    assertTrue(dotted.contains("key 'sources.ledger.databases[0]'"), dotted);
    String mysqlDatabase = error(TWO.replace("    databases: [clinic, billing]",
        "    database: x\n    databases: [clinic]"));
    assertTrue(mysqlDatabase.contains("key 'sources.app.database' must be absent for engine mysql"), mysqlDatabase);
    String single = error(PipelineConfigTest.BASE.replace("tls: disabled", "tls: disabled, databases: [a]"));
    assertTrue(single.contains("key 'source.databases' must be absent"), single);
    String empty = error(TWO.substring(0, TWO.indexOf("sources:")) + "sources: {}\n");
    assertTrue(empty.contains("key 'sources' must be a map"), empty);
  }

  @Test
  void bigQueryNamesOfTwoSourcesCannotMeet() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", TWO + BQ);
    assertEquals(PipelineConfig.SOURCES_TABLE_NAME, c.bigquery().tableName());
    assertEquals("app__clinic__users", c.bigquery().tableFor("app", "clinic", "users"));
    assertEquals("ledger__clinic__users", c.bigquery().tableFor("ledger", "clinic", "users"));
    // The single source keeps its names.
    PipelineConfig single = PipelineConfig.parse("c.yaml", PipelineConfigTest.BASE + BQ);
    assertEquals("clinic__users", single.bigquery().tableFor(null, "clinic", "users"));
    // A template that would let two sources' tables meet is refused, naming the rule.
    String without = error(TWO + BQ.replace("dataset: snaps,", "dataset: snaps, tableName: \"{database}__{table}\","));
    assertTrue(without.contains("key 'bigquery.tableName' must be a template that starts with '{source}_'"), without);
    String late = error(TWO + BQ.replace("dataset: snaps,", "dataset: snaps, tableName: \"{table}_{source}\","));
    assertTrue(late.contains("starts with '{source}_'"), late);
    String singleWithSource = error(PipelineConfigTest.BASE
        + BQ.replace("dataset: snaps,", "dataset: snaps, tableName: \"{source}_{table}\","));
    assertTrue(singleWithSource.contains("a template without {source}"), singleWithSource);
    assertEquals("x_clinic_users", PipelineConfig.parse("c.yaml", TWO
        + BQ.replace("dataset: snaps,", "dataset: snaps, tableName: \"{source}_{database}_{table}\","))
        .bigquery().tableFor("x", "clinic", "users"));
  }

  @Test
  void renamesOfANamedSourceAreKeyedBySourceDatabaseAndTable() {
    String rename = "columnNames: {rename: {app.clinic.users: {氏名: full_name}}}\n";
    PipelineConfig c = PipelineConfig.parse("c.yaml", TWO + rename);
    assertEquals(Map.of("clinic.users", Map.of("氏名", "full_name")), c.columnNames().names("app").renames());
    assertEquals(Map.of(), c.columnNames().names("ledger").renames());
    String twoPart = error(TWO + "columnNames: {rename: {clinic.users: {a: b}}}\n");
    assertTrue(twoPart.contains("source.database.table"), twoPart);
  }
}
