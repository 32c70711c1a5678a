package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import dev.rds2bq.localstack.LocalKms;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.mask.KmsBoundSeal;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.plan.PlanInput;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * docs/data-contract.md#sealed-bounds: a table keyed by e-mail address, with the key hashed, big
 * enough to be split into key ranges, through the real state machine. The ranges' bounds are raw
 * addresses; none may appear in any state-machine payload, in any object of the bucket but the
 * published Parquet (where the column is hashed), in the warehouse, or in a log line: the plan keeps
 * them sealed under a KMS data key (the KMS stand-in), ExportTable opens them, and the export
 * results name the ranges by id. Every address of the table ends in {@code @example.jp}, so one
 * substring finds any of them.
 */
class MaskedKeyTest {
  private static final TestStack stack = TestStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOMAIN = "@example.jp";
  private static final String POLICY = "databases: {maskedkey: {tables: {users: {columns: {email: hash}}}}}";
  private static LocalKms kms;
  private static String keyArn;
  private static KmsClient kmsClient;

  @BeforeAll
  static void start() throws Exception {
    stack.database("maskedkey",
        "CREATE TABLE users (email VARCHAR(80) PRIMARY KEY, plan VARCHAR(10))",
        "INSERT INTO users SELECT CONCAT('person', seq, '" + DOMAIN + "'), 'basic' FROM seq_1_to_30000",
        "ANALYZE TABLE users");
    kms = LocalKms.start();
    keyArn = kms.createKey();
    kmsClient = KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  @AfterAll
  static void stop() {
    kms.close();
  }

  private static PipelineConfig config(String bucket) {
    return stack.config(bucket, "databases: [maskedkey]\nplanning: {rowsPerRange: 10000, bigTableRows: 20000}\n");
  }

  @Test
  void noRawValueOfAMaskedKeyLeavesThroughPayloadsObjectsTheWarehouseOrLogs() throws Exception {
    String bucket = "masked-key";
    PipelineConfig config = config(bucket);
    Engines engines = new Engines(config, stack.secrets(), stack.store(bucket))
        .withBoundSeal(new KmsBoundSeal(kmsClient, keyArn));
    Recorder recorder = new Recorder();
    Execution execution;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    System.setOut(new PrintStream(new Tee(out, logs), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(err, logs), true, StandardCharsets.UTF_8));
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(engines, config, POLICY, UnaryOperator.identity()))) {
      execution = runner.run(bucket, JSON.readTree("{\"runId\": \"masked-1\", \"runDate\": \"2026-11-26\"}"),
          StateMachineRunner.Options.tests(), recorder);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    assertTrue(execution.succeeded(), execution.toString());

    JsonNode plan = recorder.output("PlanRun");
    assertNotNull(plan.get("planKey").textValue(), "a plan with sealed bounds is kept in S3: " + plan);
    JsonNode users = plan.get("tables").get(0);
    assertTrue(users.get("rangeIds").size() >= 2, "the table is split: " + users);
    assertTrue(users.get("note").asText().contains("bounds sealed"), users.toString());

    List<String> leaks = new ArrayList<>();
    synchronized (recorder.calls) {
      for (Recorder.Call c : recorder.calls) {
        check(leaks, c.function() + " input", String.valueOf(c.input()));
        check(leaks, c.function() + " output", String.valueOf(c.output()));
        check(leaks, c.function() + " error", String.valueOf(c.error()));
      }
    }
    for (JsonNode event : recorder.events) {
      check(leaks, "state machine event", event.toString());
    }
    check(leaks, "execution output", execution.toString());
    check(leaks, "log lines", logs.toString(StandardCharsets.UTF_8));
    int parquet = 0;
    try (Stream<Path> files = Files.walk(stack.root.resolve("s3").resolve(bucket))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.toString().endsWith(".parquet")) {
          parquet++;
          continue;
        }
        check(leaks, "object " + f.getFileName(), new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    assertTrue(leaks.isEmpty(), "raw key values found in: " + leaks);
    assertTrue(parquet >= 2, "one part per range at least");

    String dataset = TestStack.dataset(bucket);
    List<Map<String, Object>> rows = stack.google.warehouse().query("SELECT count(*) AS n, count(*) FILTER (WHERE"
        + " email LIKE '%@%') AS raw FROM \"" + dataset + "\".maskedkey__users", List.of());
    assertEquals(30000L, ((Number) rows.get(0).get("n")).longValue(), "every row arrived once");
    assertEquals(0L, ((Number) rows.get(0).get("raw")).longValue(), "the warehouse holds hashes only");

    List<String> operations = kms.calls().stream().map(LocalKms.Call::operation).toList();
    assertEquals(1, operations.stream().filter("GenerateDataKey"::equals).count(), "one data key for the plan");
    assertTrue(operations.contains("Decrypt"), "ExportTable opened the bounds: " + operations);
  }

  @Test
  void withoutAKeyToSealBoundsAMaskedKeyTableIsNotSplit() {
    PipelineConfig config = config("masked-key-unsealed");
    RunPlan plan = new Engines(config, stack.secrets(), stack.store(config.bucket()))
        .planner(MaskingPolicy.parse("masking.yaml", POLICY), Clock.systemUTC(), null).plan(PlanInput.empty());
    RunPlan.TablePlan users = plan.tables().get(0);
    assertEquals(1, users.expectedRanges());
    assertTrue(users.ranges().isEmpty(), "no bounds at all");
    assertTrue(users.note().contains("'masking.boundsKeyId' is not set"), users.note());
    assertFalse(String.valueOf(plan).contains(DOMAIN));
  }

  private static void check(List<String> leaks, String where, String text) {
    if (text != null && text.contains(DOMAIN)) {
      int at = text.indexOf(DOMAIN);
      leaks.add(where + " (…" + text.substring(Math.max(0, at - 40), Math.min(text.length(), at + 20)) + "…)");
    }
  }

  /** Writes to two streams: the test's own output goes on, and is kept for the scan. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
