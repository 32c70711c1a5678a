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
