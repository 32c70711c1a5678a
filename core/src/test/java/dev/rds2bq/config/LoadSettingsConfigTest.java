package dev.rds2bq.config;

import static dev.rds2bq.config.PipelineConfigTest.BASE;
import static dev.rds2bq.config.PipelineConfigTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run: and bigquery: sections, and where a deployment's config files come from. */
class LoadSettingsConfigTest {
  static final String BIGQUERY = "bigquery: {projectId: acme-analytics, dataset: mysql_snapshots,"
      + " credentialsSecretId: g, s3AccessKeySecretId: k}\n";

  @Test
  void runAndBigQueryDefaults() {
    PipelineConfig c = PipelineConfig.parse("c.yaml", BASE + BIGQUERY);
    assertEquals(300, c.run().loadVisibilityDelaySeconds());
    assertEquals(4, c.run().tableConcurrency());
    assertEquals(180, c.run().loadTimeoutMinutes());
    assertEquals("US", c.bigquery().location());
    assertEquals(PipelineConfig.WriteDisposition.WRITE_TRUNCATE, c.bigquery().writeDisposition());
    assertEquals(PipelineConfig.SchemaChanges.ADD_COLUMNS, c.bigquery().schemaChanges());
    assertEquals(List.of("NUMERIC", "BIGNUMERIC"), c.bigquery().decimalTargetTypes());
    assertEquals("sakila__customer", c.bigquery().tableFor("sakila", "customer"));
    assertNull(PipelineConfig.parse("c.yaml", BASE).bigquery(), "no bigquery section: the run cannot load");
  }

  @Test
  void badValuesNameTheKey() {
    assertTrue(error(BASE + "run: {tableConcurrency: 0}\n").contains("'run.tableConcurrency' must be between 1 and 40"));
    assertTrue(error(BASE + "run: {loadVisibilityDelaySeconds: 7200}\n").contains("'run.loadVisibilityDelaySeconds'"));
    assertTrue(error(BASE + BIGQUERY.replace("acme-analytics", "Acme")).contains("'bigquery.projectId'"));
    assertTrue(error(BASE + BIGQUERY.replace("mysql_snapshots", "my-dataset")).contains("'bigquery.dataset'"));
    String template = error(BASE + BIGQUERY.replace("}", ", tableName: \"{database}\"}"));
    assertTrue(template.contains("'bigquery.tableName'") && template.contains("{table}"), template);
    String disposition = error(BASE + BIGQUERY.replace("}", ", writeDisposition: WRITE_EMPTY}"));
    assertTrue(disposition.contains("'bigquery.writeDisposition'") && disposition.contains("write_append"), disposition);
    assertTrue(error(BASE + BIGQUERY.replace("}", ", decimalTargetTypes: [FLOAT64]}")).contains("'bigquery.decimalTargetTypes'"));
    assertTrue(error(BASE + "bigquery: {projectId: acme-analytics, dataset: d, s3AccessKeySecretId: k}\n")
        .contains("'bigquery.credentialsSecretId'"));
  }

  @Test
  void googleEndpointsAreUsedOnlyWhenSetAndMustBeTls() {
    assertNull(PipelineConfig.parse("c.yaml", BASE + BIGQUERY).bigquery().endpoints(), "Google's own by default");
    PipelineConfig.GoogleEndpoints set = PipelineConfig.parse("c.yaml", BASE + BIGQUERY.replace("}",
        ", endpoints: {dataTransfer: \"bigquerydatatransfer-psc.p.googleapis.com:443\","
            + " bigQuery: \"https://bigquery-psc.p.googleapis.com\"}}")).bigquery().endpoints();
    assertEquals("bigquerydatatransfer-psc.p.googleapis.com:443", set.dataTransfer());
    assertEquals("https://bigquery-psc.p.googleapis.com", set.bigQuery());
    PipelineConfig.GoogleEndpoints local = PipelineConfig.parse("c.yaml", BASE + BIGQUERY.replace("}",
        ", endpoints: {dataTransfer: \"127.0.0.1:4443\", bigQuery: \"https://127.0.0.1:8443\"}}")).bigquery().endpoints();
    assertEquals("127.0.0.1:4443", local.dataTransfer());

    String plaintext = error(BASE + BIGQUERY.replace("}", ", endpoints: {bigQuery: \"http://127.0.0.1:8080\"}}"));
    assertTrue(plaintext.contains("'bigquery.endpoints.bigQuery' must be an https:// root URL"), plaintext);
    assertTrue(error(BASE + BIGQUERY.replace("}", ", endpoints: {bigQuery: \"https://h.example/bigquery/v2\"}}"))
        .contains("'bigquery.endpoints.bigQuery'"));
    String scheme = error(BASE + BIGQUERY.replace("}", ", endpoints: {dataTransfer: \"https://h.example:443\"}}"));
    assertTrue(scheme.contains("'bigquery.endpoints.dataTransfer' must be host:port"), scheme);
    assertTrue(error(BASE + BIGQUERY.replace("}", ", endpoints: {dataTransfer: \"h.example\"}}"))
        .contains("'bigquery.endpoints.dataTransfer'"));
    assertTrue(error(BASE + BIGQUERY.replace("}", ", endpoints: {dataTransfer: \"h.example:70000\"}}"))
        .contains("'bigquery.endpoints.dataTransfer'"));
    assertTrue(error(BASE + BIGQUERY.replace("}", ", endpoints: {}}")).contains("'bigquery.endpoints'"));
    assertTrue(error(BASE + BIGQUERY.replace("}", ", endpoints: {plaintext: true}}")).contains("plaintext"),
        "no other key: nothing turns TLS or credentials off");
  }

  @Test
  void environmentOverridesPolicyAndCaBundleAndResolvesRelativePaths(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("rds2bq.yaml"), BASE.replace("tls: disabled", "tls: verify, caBundle: /opt/ca.pem"));
    DeployedConfig plain = DeployedConfig.load(Map.of(DeployedConfig.CONFIG_VARIABLE, dir.resolve("rds2bq.yaml").toString()),
        () -> { throw new AssertionError("no S3 for local paths"); }, dir.resolve("scratch"));
    assertEquals(dir.resolve("m.yaml").toString(), plain.config().masking().policyFile());
    assertEquals("/opt/ca.pem", plain.config().source().caBundle());

    DeployedConfig overridden = DeployedConfig.load(Map.of(DeployedConfig.CONFIG_VARIABLE, dir.resolve("rds2bq.yaml").toString(),
        DeployedConfig.POLICY_VARIABLE, "/var/task/other-policy.yaml", DeployedConfig.CA_BUNDLE_VARIABLE, "/var/task/ca.pem"),
        () -> { throw new AssertionError(); }, dir.resolve("scratch"));
    assertEquals("/var/task/other-policy.yaml", overridden.config().masking().policyFile());
    assertEquals("/var/task/ca.pem", overridden.config().source().caBundle());

    ConfigException missing = assertThrows(ConfigException.class, () -> DeployedConfig.load(
        Map.of(DeployedConfig.CONFIG_VARIABLE, dir.resolve("nope.yaml").toString()), () -> null, dir));
    assertTrue(missing.getMessage().contains("RDS2BQ_CONFIG"), missing.getMessage());
    ConfigException badUri = assertThrows(ConfigException.class, () -> DeployedConfig.load(
        Map.of(DeployedConfig.CONFIG_VARIABLE, "s3://bucket-only"), () -> null, dir));
    assertTrue(badUri.getMessage().contains("RDS2BQ_CONFIG") && badUri.getMessage().contains("s3://bucket/key"),
        badUri.getMessage());
  }

  @Test
  void aLambdaRefusesAConfigWithoutTls(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("rds2bq.yaml"), BASE);
    Map<String, String> local = Map.of(DeployedConfig.CONFIG_VARIABLE, dir.resolve("rds2bq.yaml").toString());
    assertEquals(PipelineConfig.TlsMode.DISABLED, DeployedConfig.load(local, () -> null, dir).config().source().tls(),
        "outside Lambda a local server may go without TLS");
    Map<String, String> lambda = new java.util.HashMap<>(local);
    lambda.put("AWS_LAMBDA_FUNCTION_NAME", "rds2bq-ExportTable");
    ConfigException e = assertThrows(ConfigException.class, () -> DeployedConfig.load(lambda, () -> null, dir));
    assertEquals("config " + dir.resolve("rds2bq.yaml") + ": source.tls is 'disabled', which only a local run may use;"
        + " a Lambda function connects with tls: verify and source.caBundle (docs/configuration.md#tls)", e.getMessage());
  }
}
