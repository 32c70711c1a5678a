package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.DeployedConfig;
import dev.rds2bq.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** Config and policy as S3 objects, the way the CDK stack ships them, fetched once into a local folder. */
class DeployedConfigS3Test {
  @Test
  void configAndPolicyComeFromS3(@TempDir Path scratch) throws Exception {
    LoadTestbed bed = LoadTestbed.get();
    String config = "bucket: exports-bucket\nsource: {secretId: s, tls: disabled}\nmasking: {policyFile: ignored.yaml}\n"
        + "bigquery: {projectId: acme-analytics, dataset: d, credentialsSecretId: g, s3AccessKeySecretId: k}\n";
    bed.s3Client.putObject(b -> b.bucket(LoadTestbed.BUCKET).key("assets/abc123.yaml"), RequestBody.fromString(config));
    bed.s3Client.putObject(b -> b.bucket(LoadTestbed.BUCKET).key("assets/def456.yaml"), RequestBody.fromString("tables: {}\n"));
    DeployedConfig deployed = DeployedConfig.load(Map.of(
        DeployedConfig.CONFIG_VARIABLE, "s3://" + LoadTestbed.BUCKET + "/assets/abc123.yaml",
        DeployedConfig.POLICY_VARIABLE, "s3://" + LoadTestbed.BUCKET + "/assets/def456.yaml"), () -> bed.s3Client, scratch);
    assertEquals("exports-bucket", deployed.config().bucket());
    assertEquals("acme-analytics", deployed.config().bigquery().projectId());
    Path policy = Path.of(deployed.config().masking().policyFile());
    assertTrue(policy.startsWith(scratch), policy.toString());
    assertEquals("tables: {}\n", Files.readString(policy));

    ConfigException e = assertThrows(ConfigException.class, () -> DeployedConfig.load(Map.of(
        DeployedConfig.CONFIG_VARIABLE, "s3://" + LoadTestbed.BUCKET + "/assets/missing.yaml"), () -> bed.s3Client, scratch));
    assertTrue(e.getMessage().contains("RDS2BQ_CONFIG") && e.getMessage().contains("s3:GetObject"), e.getMessage());
  }
}
