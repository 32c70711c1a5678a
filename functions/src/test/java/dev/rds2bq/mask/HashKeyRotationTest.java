package dev.rds2bq.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.AwsSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.contract.RunPlan.TablePlan;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.localstack.LocalSecretsManager;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * docs/masking.md "One key version per run": the hash key rotated in the middle of a run, between
 * two ranges of one table, with the second range exported by a new container (one that never read
 * the old key). PlanRun pins the version that was current when it planned, and every range reads that
 * version, so the table has one key. The same export without the pin would have hashed with the new
 * key: that is the mix the pin prevents. Secrets are read as in AWS, the SDK's client against the
 * Secrets Manager stand-in, which keeps versions and staging labels.
 */
class HashKeyRotationTest {
  private static final LocalStack stack = LocalStack.get();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T16:00:00Z"), ZoneOffset.UTC);
  private static final String DB = "rotation";
  private static final String LOGIN = "rotation/login";
  private static final String HASH = "rotation/hash-key";
  private static final String OLD_KEY = "old-key-0123456789abcdef0123456789abcdef";
  private static final String NEW_KEY = "new-key-fedcba9876543210fedcba9876543210";
  private static final MaskingPolicy POLICY =
      MaskingPolicy.parse("m.yaml", "databases: {rotation: {tables: {users: {columns: {email: hash}}}}}");
  private static LocalSecretsManager secretsManager;
  private static AwsSecretSource secrets;

  @BeforeAll
  static void start() throws Exception {
    stack.database(DB,
        "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(80))",
        "INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.jp') FROM seq_1_to_30000",
        "ANALYZE TABLE users");
    secretsManager = LocalSecretsManager.start();
    secretsManager.create(LOGIN, stack.mysql.secretJson(DB));
    secretsManager.create(HASH, OLD_KEY);
    secrets = new AwsSecretSource(SecretsManagerClient.builder().endpointOverride(secretsManager.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build());
  }

  @AfterAll
  static void stop() {
    secretsManager.close();
  }

  private static PipelineConfig config(String bucket) {
    return PipelineConfig.parse("test-config", "bucket: " + bucket + "\nprefix: exports\n"
        + "source: {secretId: " + LOGIN + ", tls: disabled, allowWritable: true}\n"
        + "masking: {policyFile: m.yaml, hashKeySecretId: " + HASH + "}\n"
        + "databases: [rotation]\nplanning: {rowsPerRange: 10000, bigTableRows: 20000}\n");
  }

  /** A Lambda container: its own engines, so its own cache of keys. */
  private static TableExporter container(PipelineConfig config) {
    return new Engines(config, secrets, stack.store(config.bucket())).exporter(POLICY, ExportListener.NONE);
  }

  private static ExportRequest request(RunPlan plan, TablePlan table, KeyRange range, String version) {
    return new ExportRequest(null, plan.runId(), table.attempt(), plan.runDate(), DB, "users", range, version);
  }

  @Test
  void everyRangeOfARunHashesWithTheVersionItsPlanPinnedWhileTheKeyRotates() throws Exception {
    PipelineConfig config = config(stack.bucket("rotation"));
    int readsBefore = secretsManager.reads().size();
    RunPlan plan = new Engines(config, secrets, stack.store(config.bucket())).planner(POLICY, CLOCK, null)
        .plan(PlanInput.empty());
    String pinned = secretsManager.versionId(HASH, LocalSecretsManager.CURRENT);
    assertEquals(pinned, plan.hashKeyVersion(), "the plan pins the version that is current when it plans");
    assertTrue(secretsManager.reads().subList(readsBefore, secretsManager.reads().size()).stream()
        .noneMatch(r -> r.secretId().equals(HASH)), "PlanRun never reads the key's value: "
        + secretsManager.reads());
    TablePlan users = plan.tables().get(0);
    assertTrue(users.ranges().size() >= 2, "the table is split: " + users.note());

    ExportResult first = container(config).export(request(plan, users, users.ranges().get(0), plan.hashKeyVersion()));
    String rotated = secretsManager.put(HASH, NEW_KEY);
    assertNotEquals(pinned, rotated);
    TableExporter newContainer = container(config);
    ExportResult second = newContainer.export(request(plan, users, users.ranges().get(1), plan.hashKeyVersion()));

    assertEquals(new HmacHasher(OLD_KEY.getBytes(StandardCharsets.UTF_8)).keyId(), first.hashKeyId());
    assertEquals(first.hashKeyId(), second.hashKeyId(), "both ranges of the run hashed with the pinned version");
    String lo = users.ranges().get(1).lo();
    List<Path> files = second.files().stream().map(f -> stack.file(config.bucket(), f.key())).toList();
    Map<String, Object> row = Parquet.query(files, "SELECT id, email FROM t ORDER BY id LIMIT 1").get(0);
    assertEquals(Integer.parseInt(lo), ((Number) row.get("id")).intValue());
    HmacHasher old = new HmacHasher(OLD_KEY.getBytes(StandardCharsets.UTF_8));
    assertEquals(new String(old.hexDigest(("user" + lo + "@example.jp").getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.US_ASCII), row.get("email"), "the new container's values are the old key's hashes");

    // Without the pin, the new container reads the current version: the mix the pin prevents.
    ExportResult unpinned = newContainer.export(request(plan, users, users.ranges().get(1), null));
    assertEquals(new HmacHasher(NEW_KEY.getBytes(StandardCharsets.UTF_8)).keyId(), unpinned.hashKeyId());

    // The next run pins the new version.
    RunPlan next = new Engines(config, secrets, stack.store(config.bucket())).planner(POLICY, CLOCK, null)
        .plan(PlanInput.empty());
    assertEquals(rotated, next.hashKeyVersion());
  }

  @Test
  void aPinnedVersionThatIsGoneFailsTheExportNamingItAndTheFix() {
    PipelineConfig config = config(stack.bucket("rotation-gone"));
    ConfigException e = assertThrows(ConfigException.class, () -> container(config).export(
        new ExportRequest(null, "r1", "1", "2026-11-26", DB, "users", null, "0badc0de-0000-0000-0000-000000000000")));
    assertEquals("secret '" + HASH + "' has no version 0badc0de-0000-0000-0000-000000000000, which this run pinned"
        + " when it was planned (the version was deleted since); start a new run, which pins the current one",
        e.getMessage());
    assertTrue(!e.getMessage().contains(OLD_KEY) && !e.getMessage().contains(NEW_KEY));
  }

  @Test
  void aRunWithoutAHashedColumnPinsNothing() {
    PipelineConfig config = config(stack.bucket("rotation-none"));
    RunPlan plan = new Engines(config, secrets, stack.store(config.bucket()))
        .planner(MaskingPolicy.parse("m.yaml", "databases: {rotation: {tables: {users: {columns: {email: drop}}}}}"),
            CLOCK, null).plan(PlanInput.empty());
    assertNull(plan.hashKeyVersion());
  }
}
