package dev.rds2bq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {
  static final String BASE = "bucket: my-bucket\nsource: {secretId: s, tls: disabled}\nmasking: {policyFile: m.yaml}\n";

  static String error(String yaml) {
    return assertThrows(ConfigException.class, () -> PipelineConfig.parse("c.yaml", yaml)).getMessage();
  }

  @Test
  void defaultsAreApplied() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", BASE + "prefix: /exports/\n");
    assertEquals("exports", c.prefix());
    assertEquals(128, c.parquet().targetFileMiB());
    assertEquals(PipelineConfig.Compression.SNAPPY, c.parquet().compression());
    assertEquals(PipelineConfig.ZeroDatePolicy.ERROR, c.zeroDates());
  }

  @Test
  void errorsNameKeyRuleAndValue() {
    assertTrue(error(BASE.replace("my-bucket", "My_Bucket")).contains("key 'bucket' must be an S3 bucket name"));
    assertTrue(error(BASE + "parquet: {rowGroupMiB: 4}\n").contains("'parquet.rowGroupMiB' must be between 16"));
    String typo = error(BASE + "parquet: {compresion: zstd}\n");
    assertTrue(typo.contains("unknown key 'parquet.compresion'"), typo);
    String e = error(BASE + "parquet: {compression: lz4}\n");
    assertTrue(e.contains("'parquet.compression'") && e.contains("lz4") && e.contains("zstd"), e);
    String tls = error(BASE.replace("tls: disabled", "tls: verify"));
    assertTrue(tls.contains("source.caBundle"), tls);
    String masking = error("bucket: b-1\nsource: {secretId: s, tls: disabled}\n");
    assertTrue(masking.contains("key 'masking'"), masking);
    String yaml = error("bucket: [");
    assertTrue(yaml.contains("not valid YAML") || yaml.contains("key 'bucket'"), yaml);
    String zero = error(BASE + "zeroDates: zero\n");
    assertTrue(zero.contains("'zeroDates'") && zero.contains("as_null"), zero);
  }

  @Test
  void prefixesThatWouldChangeWhatIamAndLifecycleRulesMatchAreRefused() {
    for (String bad : new String[] {"exp*", "a/?/b", "${aws:username}", "a/../b", "a b", "x/.hidden"}) {
      String e = error(BASE + "prefix: \"" + bad + "\"\n");
      assertTrue(e.contains("key 'prefix' must be an S3 key prefix of segments") && e.contains("'*', '?'"), e);
    }
    assertEquals("exports/rds2bq-v1.2", PipelineConfig.parse("c.yaml", BASE + "prefix: exports/rds2bq-v1.2\n").prefix());
  }

  @Test
  void databasesAndPlanningSizesAreCheckedOneByOne() {
    String nul = error(BASE + "databases: [clinic, null]\n");
    assertTrue(nul.contains("key 'databases[1]' must be a database name") && nul.contains("got nothing"), nul);
    String dotted = error(BASE + "databases: [\"a.b\"]\n");
    assertTrue(dotted.contains("'databases[0]'") && dotted.contains("'a.b'"), dotted);
    assertTrue(error(BASE + "planning: {bigTableMiB: 0}\n").contains("key 'planning.bigTableMiB' must be between 1"));
    assertTrue(error(BASE + "planning: {bigTableRows: 0}\n").contains("key 'planning.bigTableRows' must be at least 1"));
  }

  @Test
  void sourceConnectionsCapTheProductOfTheTwoConcurrencies() {
    PipelineConfig defaults = PipelineConfig.parse("c.yaml", BASE);
    assertEquals(4, defaults.run().maxSourceConnections());
    assertEquals(4, defaults.run().tableConcurrency() * defaults.run().rangeConcurrency());
    PipelineConfig wide = PipelineConfig.parse("c.yaml", BASE + "run: {maxSourceConnections: 12, tableConcurrency: 3}\n");
    assertEquals(4, wide.run().rangeConcurrency(), "the range concurrency fills the cap");
    String over = error(BASE + "run: {tableConcurrency: 4, rangeConcurrency: 4}\n");
    assertTrue(over.contains("key 'run.tableConcurrency' must be at most run.maxSourceConnections (4) when multiplied"
        + " by run.rangeConcurrency (4)"), over);
    assertTrue(error(BASE + "run: {maxSourceConnections: 0}\n").contains("'run.maxSourceConnections' must be between 1"));
    assertEquals(366, defaults.maxBackfillDays());
    assertTrue(error(BASE + "maxBackfillDays: -1\n").contains("key 'maxBackfillDays' must be between 0 and 36500"));
  }

  @Test
  void aLocalCopyOfTheCaBundleKeepsEveryOtherSourceSetting() {
    PipelineConfig.SourceConfig s = PipelineConfig.parse("c.yaml", BASE.replace("tls: disabled", "tls: disabled,"
        + " connectTimeoutSeconds: 7")).source();
    assertEquals(new PipelineConfig.SourceConfig(s.secretId(), s.tls(), "/tmp/ca.pem", 7, 600),
        s.withCaBundle("/tmp/ca.pem"));
  }

  @Test
  void secretErrorsNameTheFieldButNeverTheValue() {
    String e = assertThrows(ConfigException.class,
        () -> DatabaseSecret.parse("db/replica", "{\"host\":\"h\",\"username\":\"u\"}")).getMessage();
    assertTrue(e.contains("db/replica") && e.contains("'password'"), e);
    String broken = assertThrows(ConfigException.class,
        () -> DatabaseSecret.parse("db/replica", "{\"password\":\"hunter2-secret\", broken")).getMessage();
    assertFalse(broken.contains("hunter2"), broken);
    DatabaseSecret s = DatabaseSecret.parse("id", "{\"host\":\"h\",\"port\":\"3307\",\"username\":\"u\",\"password\":\"pw-9\"}");
    assertEquals(3307, s.port());
    assertFalse(s.toString().contains("pw-9"));
  }

  @Test
  void hashKeyMustBeLongEnoughAndMayBeJson() {
    MapSecretSource secrets = new MapSecretSource(Map.of("short", "abc", "json", "{\"key\":\"" + "k".repeat(40) + "\"}"));
    assertTrue(assertThrows(ConfigException.class, () -> HashKey.load(secrets, "short")).getMessage()
        .contains("at least 32"));
    assertEquals(40, HashKey.load(secrets, "json").length);
    assertTrue(assertThrows(ConfigException.class, () -> HashKey.load(secrets, "missing")).getMessage()
        .contains("'missing' does not exist"));
  }
}
