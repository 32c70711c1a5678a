package dev.rds2bq.cdk.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.cdk.TestApps;
import dev.rds2bq.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The deploy config: the shipped example is valid, and each rule fails with key, rule, value and fix. */
class DeployConfigLoaderTest {
  private static String example;
  private static Path dir;

  @BeforeAll
  static void copyExample() throws IOException {
    example = Files.readString(Path.of("rds2bq.deploy.example.yaml"));
    dir = TestApps.tempDir("deploy-config");
    Files.copy(TestApps.resource("deploy/masking.yaml"), dir.resolve("masking.yaml"));
    Files.copy(TestApps.resource("deploy/test-bundle.pem"), dir.resolve("global-bundle.pem"));
  }

  private static Deployment load(String text) {
    return DeployConfigLoader.parse(dir.resolve("rds2bq.deploy.yaml"), text);
  }

  private static List<String> problems(String text) {
    return assertThrows(DeployConfigException.class, () -> load(text)).problems();
  }

  private static String problem(String text) {
    List<String> problems = problems(text);
    assertEquals(1, problems.size(), () -> "expected one problem, got " + problems);
    return problems.get(0);
  }

  private static String replace(String from, String to) {
    assertTrue(example.contains(from), () -> "the example no longer contains " + from);
    return example.replace(from, to);
  }

  @Test
  void theExampleIsValidAndGeneratesAnEngineConfigTheEngineAccepts() {
    Deployment d = load(example);
    assertEquals("rds2bq", d.stackName());
    assertEquals("rds2bq-pipeline", d.stateMachineName());
    assertEquals("rds2bq/dts-s3-reader", d.dtsReaderSecretName());
    assertEquals("rds2bq-ExportTable", d.functionName(FunctionSpec.EXPORT_TABLE));
    assertEquals(dir.resolve("masking.yaml"), d.policyFile());
    assertEquals(dir.resolve("global-bundle.pem"), d.caBundle());

    PipelineConfig engine = d.engine();
    assertEquals("acme-rds2bq-exports", engine.bucket());
    assertEquals("rds2bq", engine.prefix());
    assertEquals("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds2bq/clinic-replica-AbCdEf",
        engine.source().secretId());
    assertEquals(PipelineConfig.TlsMode.VERIFY, engine.source().tls());
    assertEquals("global-bundle.pem", engine.source().caBundle());
    assertEquals("masking.yaml", engine.masking().policyFile());
    assertEquals(List.of("clinic", "billing"), engine.databases());
    assertEquals(List.of("*_backup", "clinic.audit_log"), engine.tables().exclude());
    assertEquals("Asia/Tokyo", engine.runDateZone());
    assertEquals(PipelineConfig.Compression.ZSTD, engine.parquet().compression());
    assertEquals(4, engine.run().maxSourceConnections());
    assertEquals(2, engine.run().tableConcurrency());
    assertEquals(2, engine.run().rangeConcurrency());
    assertEquals(180, engine.run().loadTimeoutMinutes());
    assertEquals("acme-analytics", engine.bigquery().projectId());
    assertEquals("asia-northeast1", engine.bigquery().location());
    assertEquals("rds2bq", engine.bigquery().dataset());
    assertEquals("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds2bq/google-AbCdEf",
        engine.bigquery().credentialsSecretId());
    assertEquals("rds2bq/dts-s3-reader", engine.bigquery().s3AccessKeySecretId());
    assertFalse(d.verifySourceCount());
    assertFalse(d.loadsInVpc());
    assertTrue(d.engineYaml().startsWith("# Generated at synth"), d.engineYaml());
    assertFalse(d.engineYaml().contains("${Token"), "the engine config must hold no CloudFormation tokens");
  }

  @Test
  void theEngineConfigTextIsStableSoItsAssetHashOnlyChangesWithTheConfig() {
    String yaml = load(example).engineYaml();
    assertEquals(yaml, load(example).engineYaml());
    int include = yaml.indexOf("include:");
    assertTrue(include > 0 && include < yaml.indexOf("exclude:"), yaml);
    assertTrue(yaml.indexOf("bucket:") < yaml.indexOf("source:") && yaml.indexOf("run:") < yaml.indexOf("bigquery:"),
        yaml);
  }

  @Test
  void functionSizesDefaultFromTheSpecAndCanBeOverridden() {
    Deployment d = load(example);
    assertEquals(3538, d.memoryMiB(FunctionSpec.EXPORT_TABLE));
    assertEquals(900, d.timeoutSeconds(FunctionSpec.EXPORT_TABLE));
    assertEquals(300, d.timeoutSeconds(FunctionSpec.PUBLISH_TABLE));
    Deployment tuned = load(replace("# functions:                      # override a function's memory or timeout\n"
        + "#   ExportTable: {memoryMiB: 5307, timeoutSeconds: 900}",
        "functions:\n  ExportTable: {memoryMiB: 5307, timeoutSeconds: 600}"));
    assertEquals(5307, tuned.memoryMiB(FunctionSpec.EXPORT_TABLE));
    assertEquals(600, tuned.timeoutSeconds(FunctionSpec.EXPORT_TABLE));
    assertEquals(1769, tuned.memoryMiB(FunctionSpec.PLAN_RUN));
  }

  @Test
  void verifySourceCountPutsPublishTableOnTheDatabasePath() {
    Deployment d = load(replace("publish: {verifySourceCount: false}", "publish: {verifySourceCount: true}"));
    assertTrue(d.verifySourceCount());
    assertTrue(d.inDatabaseVpc(FunctionSpec.PUBLISH_TABLE));
    assertEquals(900, d.timeoutSeconds(FunctionSpec.PUBLISH_TABLE));
    assertFalse(load(example).inDatabaseVpc(FunctionSpec.PUBLISH_TABLE));
  }

  @Test
  void columnNamesReachTheEngineAndABadRenameFailsTheSynth() {
    Deployment d = load(replace("  publish: {verifySourceCount: false}",
        "  publish: {verifySourceCount: false}\n  columnNames: {rename: {clinic.patients: {備考: remarks}}}"));
    assertEquals("remarks", d.engine().columnNames().rename().get("clinic.patients").get("備考"));
    String p = problem(replace("  publish: {verifySourceCount: false}",
        "  publish: {verifySourceCount: false}\n  columnNames: {rename: {clinic.patients: {備考: \"a.b\"}}}"));
    assertTrue(p.contains("columnNames.rename.clinic.patients.備考"), p);
  }

  @Test
  void strictModeAndTheValueScanReachTheEngine() {
    PipelineConfig.MaskingConfig defaults = load(example).engine().masking();
    assertEquals(PipelineConfig.RequireDecisions.PERSONAL, defaults.requireDecisions());
    assertEquals(PipelineConfig.ValueScanConfig.defaults(), defaults.valueScan());

    Deployment d = load(replace("  policyFile: masking.yaml ", "  requireDecisions: ALL\n"
        + "  valueScan: {sampleRows: 5000, tableSeconds: 20, minHitRate: 0.01, maxValueChars: 1024}\n"
        + "  policyFile: masking.yaml "));
    PipelineConfig.MaskingConfig masking = d.engine().masking();
    assertEquals(PipelineConfig.RequireDecisions.ALL, masking.requireDecisions());
    assertEquals(new PipelineConfig.ValueScanConfig(true, 5000, 20, 0.01, 1024), masking.valueScan());
    assertTrue(d.engineYaml().contains("requireDecisions: all"), d.engineYaml());
    assertFalse(load(replace("  policyFile: masking.yaml ", "  valueScan: {enabled: false}\n  policyFile: masking.yaml "))
        .engine().masking().valueScan().enabled());
  }

  @Test
  void aBadStrictModeOrValueScanFailsTheSynthNamingTheKey() {
    String p = problem(replace("  policyFile: masking.yaml ", "  requireDecisions: every\n  policyFile: masking.yaml "));
    assertTrue(p.startsWith("key 'masking.requireDecisions' has the invalid value 'every'; allowed: [personal, all]"), p);
    p = problem(replace("  policyFile: masking.yaml ", "  valueScan: {sampleRows: 5}\n  policyFile: masking.yaml "));
    assertTrue(p.contains("masking.valueScan.sampleRows") && p.contains("'5'"), p);
    assertTrue(p.contains("under masking:"), p);
    p = problem(replace("  policyFile: masking.yaml ", "  valueScan: {sampleRow: 500}\n  policyFile: masking.yaml "));
    assertTrue(p.contains("sampleRow"), p);
  }

  @Test
  void anUnknownKeyListsTheKeysAllowedThere() {
    String p = problem(replace("  prefix: rds2bq ", "  prefx: rds2bq "));
    assertTrue(p.startsWith("key 'bucket.prefx' is not a setting; allowed there: "), p);
    assertTrue(p.contains("prefix") && p.contains("consumerAccounts"), p);
    assertTrue(p.contains("Fix: "), p);
  }

  @Test
  void anInvalidEnumValueListsTheAllowedValues() {
    String p = problem(replace("encryption: s3 ", "encryption: aes "));
    assertTrue(p.contains("key 'bucket.encryption' has the invalid value 'aes'; allowed: [s3, kms]"), p);
  }

  @Test
  void aBucketNameMustBeValidForS3() {
    String p = problem(replace("name: acme-rds2bq-exports", "name: Acme_Exports"));
    assertEquals("key 'bucket.name' must be a new, globally unique S3 bucket name (3-63 lower-case letters, digits,"
        + " dots, hyphens); got 'Acme_Exports'. Fix: pick a name such as <company>-rds2bq-exports; the stack creates"
        + " the bucket", p);
  }

  @Test
  void thePrefixMustNotBeEmpty() {
    String p = problem(replace("prefix: rds2bq ", "prefix: / "));
    assertTrue(p.startsWith("key 'bucket.prefix' must be a non-empty key prefix"), p);
    assertTrue(p.contains("got ''"), p);
  }

  @Test
  void secretArnsMustBeFullAndInTheStacksAccountAndRegion() {
    String partial = problem(replace("secret:rds2bq/clinic-replica-AbCdEf", "secret:rds2bq/clinic-replica"));
    assertTrue(partial.startsWith("key 'source.secretArn' must be the ARN of the replica's login secret"), partial);
    assertTrue(partial.contains("Fix: copy the full Secret ARN"), partial);

    String region = problem(replace("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:rds2bq/google-AbCdEf",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds2bq/google-AbCdEf"));
    assertTrue(region.startsWith("key 'bigquery.credentialsSecretArn' must be a secret in aws.region ap-northeast-1"),
        region);
  }

  @Test
  void theAccountMustBeTwelveDigits() {
    String p = problem(replace("account: \"123456789012\"", "account: 12345"));
    assertTrue(p.startsWith("key 'aws.account' must be a 12-digit AWS account id (quoted); got '12345'."), p);
  }

  @Test
  void cronNeedsSixFieldsAndOneQuestionMark() {
    String fields = problem(replace("cron: \"0 3 * * ? *\"", "cron: \"0 3 * * *\""));
    assertTrue(fields.startsWith("key 'schedule.cron' must be six EventBridge Scheduler cron fields"), fields);
    String question = problem(replace("cron: \"0 3 * * ? *\"", "cron: \"0 3 * * 1 *\""));
    assertTrue(question.contains("'?' in exactly one of day-of-month (3rd) and day-of-week (5th)"), question);
    assertEquals("0 3 * * ? *", load(replace("cron: \"0 3 * * ? *\"", "cron: \"cron(0 3 * * ? *)\""))
        .config().schedule().cron().replaceAll("cron\\((.*)\\)", "$1"));
  }

  @Test
  void theTimeZoneMustBeAnIanaName() {
    String p = problem(replace("timeZone: Asia/Tokyo", "timeZone: \"+09:00\""));
    assertTrue(p.startsWith("key 'schedule.timeZone' must be an IANA time zone name"), p);
    assertTrue(p.contains("offsets such as +09:00 are not accepted"), p);
  }

  @Test
  void localFilesMustExist() {
    String p = problem(replace("caBundle: global-bundle.pem", "caBundle: missing.pem"));
    assertTrue(p.startsWith("key 'source.caBundle' must be a readable file"), p);
    assertTrue(p.contains("Fix: download global-bundle.pem"), p);
  }

  @Test
  void interfaceEndpointsNeedOneSubnetPerZone() {
    String p = problem(replace("availabilityZone: ap-northeast-1c", "availabilityZone: ap-northeast-1a"));
    assertTrue(p.startsWith("key 'network.subnets' must be in distinct Availability Zones"), p);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<String> problems = problems(replace("name: acme-rds2bq-exports", "name: x")
        .replace("timeZone: Asia/Tokyo", "timeZone: Mars/Olympus")
        .replace("logRetentionDays: 90", "logRetentionDays: 100"));
    assertEquals(3, problems.size(), problems::toString);
    DeployConfigException e = assertThrows(DeployConfigException.class,
        () -> load(replace("name: acme-rds2bq-exports", "name: x")));
    assertTrue(e.getMessage().startsWith("deploy config " + dir.resolve("rds2bq.deploy.yaml") + " has 1 problem(s):"),
        e.getMessage());
  }

  @Test
  void engineSettingsAreCheckedByTheEnginesOwnParser() {
    String p = problem(replace("tableConcurrency: 2 ", "tableConcurrency: 0 "));
    assertTrue(p.contains("key 'run.tableConcurrency' must be between 1 and 40"), p);
    assertTrue(p.contains("Fix: the key named keeps its name in the deploy config"), p);

    String parquet = problem(replace("parquet: {compression: zstd}", "parquet: {rowGroupMiB: 8}"));
    assertTrue(parquet.contains("key 'parquet.rowGroupMiB' must be between 16"), parquet);
  }

  @Test
  void engineKeysOutsideThePassThroughListAreRejected() {
    String p = problem(replace("  zeroDates: error", "  zeroDates: error\n  bucket: other"));
    assertTrue(p.startsWith("key 'engine.bucket' must be one of [columnNames, incremental, maxBackfillDays, parquet,"
        + " planning, publish, runDateZone, source, zeroDates]"), p);
  }

  @Test
  void scheduleInputTakesOnlyPlanRunSelectionKeys() {
    String p = problem(replace("input: {}", "input: {runDate: \"2026-11-20\"}"));
    assertTrue(p.startsWith("key 'schedule.input.runDate' must be one of [allowConcurrent, load, tables]"), p);
    Deployment d = load(replace("input: {}", "input: {tables: [clinic.users], load: false}"));
    assertEquals(Map.of("tables", List.of("clinic.users"), "load", false), d.config().schedule().input());
  }

  @Test
  void aMissingFileSaysHowToStart() {
    DeployConfigException e = assertThrows(DeployConfigException.class,
        () -> DeployConfigLoader.load(dir.resolve("absent.yaml")));
    assertTrue(e.problems().get(0).contains("copy infra-cdk/rds2bq.deploy.example.yaml"), e.getMessage());
  }
}
