package dev.rds2bq.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.cdk.config.FunctionSpec;
import dev.rds2bq.localrun.StateMachineRunner;
import dev.rds2bq.localstack.BuiltJar;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.localstack.LocalSecretsManager;
import dev.rds2bq.localstack.LocalStepFunctions;
import dev.rds2bq.localstack.LocalTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The deployment the stack describes, run as AWS would run it: the stack is synthesized from a
 * deploy config, and each of its six functions runs in a JVM of its own on its own code asset,
 * started by the AWS Lambda Java runtime interface client with the template's handler string and
 * only the template's environment variables plus what Lambda itself sets (region, role credentials,
 * function name) and the endpoints of the stand-ins (S3Proxy, Secrets Manager, Step Functions). The
 * engine config, policy and CA bundle are read from their S3 assets, the secrets through Secrets
 * Manager by their ARNs, and the database over TLS with the deployed CA bundle. The real state
 * machine definition drives a whole run through them.
 */
class DeployedWiringTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STACK = "rds2bq-wiring";
  private static final String BUCKET = "rds2bq-wiring-exports";
  private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:rds2bq-local:wiring-1";

  @TempDir
  Path root;

  @Test
  void aWholeRunThroughTheSixDeployedFunctions() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    LocalTls tls = LocalTls.newCa("wiring", root.resolve("tls"));
    try (EmbeddedMySql mysql = EmbeddedMySql.startWithTls(tls.server("127.0.0.1"));
        LocalS3 s3 = LocalS3.start(root.resolve("s3"));
        LocalSecretsManager secrets = LocalSecretsManager.start();
        LocalStepFunctions stepFunctions = LocalStepFunctions.start();
        S3Client s3Client = s3.client()) {
      DemoData.loadSakila(mysql);
      // The demo policy names both demo databases, and a plan checks every name it gives.
      DemoData.createHealthApp(mysql, DemoData.HEALTHAPP, new DemoData.Sizes(20, 20, 20));
      String sourceArn = secrets.create("rds2bq/replica", mysql.secretJson("sakila"));
      String hashArn = secrets.create("rds2bq/hash-key", "{\"key\": \"wiring-hash-key-0123456789abcdef012345\"}");
      String googleArn = secrets.create("rds2bq/google", "{\"type\": \"service_account\"}");
      secrets.create(STACK + "/dts-s3-reader", "{\"accessKeyId\": \"" + LocalS3.ACCESS_KEY + "\", \"secretAccessKey\": \""
          + LocalS3.SECRET_KEY + "\"}");

      Path deploy = Files.createDirectories(root.resolve("deploy"));
      Files.copy(tls.caPem(), deploy.resolve("ca.pem"));
      try (InputStream policy = DemoData.class.getResourceAsStream("/demo/masking.yaml")) {
        Files.copy(policy, deploy.resolve("masking.yaml"));
      }
      Path deployYaml = Files.writeString(deploy.resolve("wiring.deploy.yaml"), deployConfig(sourceArn, hashArn, googleArn));

      DeployedTemplate template = new DeployedTemplate(repo.resolve("infra-cdk"), deployYaml,
          BuiltJar.of("rds2bq.functionsJar", repo.resolve("functions/target/classes")),
          BuiltJar.of("rds2bq.controlJar", repo.resolve("functions/target/classes")),
          BuiltJar.of("rds2bq.loadJar", repo.resolve("load/target/classes")),
          repo.resolve("statemachine/pipeline.asl.json"), root.resolve("cdk.out"));

      // What cdk deploy uploads besides code: the engine config, the policy and the CA bundle.
      for (DeployedTemplate.Asset asset : template.assetsByKey.values()) {
        if (!asset.key().endsWith(".jar")) {
          s3.createBucket(asset.bucket());
          s3Client.putObject(b -> b.bucket(asset.bucket()).key(asset.key()), RequestBody.fromFile(asset.source()));
        }
      }
      s3.createBucket(BUCKET);

      String runtimeClasspath = Files.readString(Path.of(System.getProperty("rds2bq.runtimeClasspath"))).trim();
      Map<String, RequestStreamHandler> functions = new LinkedHashMap<>();
      List<LambdaContainer> containers = new ArrayList<>();
      try {
        for (DeployedTemplate.Function f : template.functions.values()) {
          Path task = unpack(f.code(), root.resolve("task").resolve(f.spec().functionName()));
          Map<String, String> env = lambdaEnvironment(template, f, task);
          env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
          env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
          env.put("AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint().toString());
          LambdaContainer c = new LambdaContainer(f.spec().functionName(), f.handler(), task, runtimeClasspath, env,
              root.resolve(f.spec().functionName() + ".log"));
          containers.add(c);
          functions.put(f.spec().functionName(), c);
        }
        stepFunctions.started(EXECUTION);
        StateMachineRunner.Execution run;
        try (StateMachineRunner runner = new StateMachineRunner(repo.resolve("statemachine"), functions)) {
          run = runner.run("wiring-1", JSON.readTree("{\"runDate\": \"2026-11-26\", \"load\": false}"),
              StateMachineRunner.Options.tests(), new StateMachineRunner.Listener() {});
        }
        StringBuilder logs = new StringBuilder();
        containers.forEach(c -> logs.append(c.tail()).append('\n'));
        assertTrue(run.succeeded(), run.error() + ": " + run.cause() + "\n" + logs);
        JsonNode summary = run.output();
        assertEquals("SUCCEEDED", summary.path("status").asText(), summary.toString());
        assertEquals(20, summary.path("tables").size(), summary.toString());
        for (JsonNode table : summary.path("tables")) {
          assertTrue(table.path("exported").asBoolean(), table.toString());
        }
        // The login and the hash key were read by their ARNs through Secrets Manager; the run checked
        // for other executions of its own state machine.
        assertTrue(secrets.reads().stream().anyMatch(r -> r.secretId().equals(sourceArn) && r.answeredVersionId() != null));
        assertTrue(secrets.reads().stream().anyMatch(r -> r.secretId().equals(hashArn) && r.answeredVersionId() != null));
        assertEquals(List.of("arn:aws:states:us-east-1:123456789012:stateMachine:rds2bq-local"),
            stepFunctions.listedMachines());
        String manifest = summary.path("tables").toString();
        assertTrue(manifest.contains("\"customer\""), manifest);
      } finally {
        containers.forEach(LambdaContainer::close);
      }
    }
  }

  /** What Lambda sets in every function's environment, then the template's variables. */
  private static Map<String, String> lambdaEnvironment(DeployedTemplate t, DeployedTemplate.Function f, Path task) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("LAMBDA_TASK_ROOT", task.toString());
    env.put("AWS_REGION", t.region);
    env.put("AWS_DEFAULT_REGION", t.region);
    env.put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
    env.put("AWS_LAMBDA_FUNCTION_NAME", f.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(f.memoryMiB()));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + f.name());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "wiring");
    env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
    env.put("AWS_LAMBDA_LOG_LEVEL", "INFO");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.putAll(f.environment());
    return env;
  }

  /** Unpacks a code asset as Lambda does into /var/task. */
  private static Path unpack(Path jar, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        Path target = dir.resolve(e.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("entry outside the task root: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target);
        }
      }
    }
    return dir;
  }

  private static String deployConfig(String sourceArn, String hashArn, String googleArn) {
    return "stackName: " + STACK + "\n"
        + "aws: {account: \"123456789012\", region: us-east-1}\n"
        + "source:\n  secretArn: " + sourceArn + "\n  databases: [sakila, healthapp]\n  caBundle: ca.pem\n"
        + "network:\n  vpcId: vpc-0123456789abcdef0\n  subnets:\n"
        + "    - {id: subnet-0aaaaaaaaaaaaaaa1, availabilityZone: us-east-1a, routeTableId: rtb-0aaaaaaaaaaaaaaa1}\n"
        + "    - {id: subnet-0bbbbbbbbbbbbbbb2, availabilityZone: us-east-1b, routeTableId: rtb-0bbbbbbbbbbbbbbb2}\n"
        + "  replicaSecurityGroupId: sg-0123456789abcdef0\n"
        + "tables:\n  include: [\"*\"]\n"
        + "masking:\n  policyFile: masking.yaml\n  hashKeySecretArn: " + hashArn + "\n"
        + "bucket:\n  name: " + BUCKET + "\n  prefix: exports\n"
        + "bigquery:\n  projectId: wiring-project\n  location: US\n  dataset: rds2bq\n  credentialsSecretArn: " + googleArn
        + "\n"
        + "schedule:\n  cron: \"0 3 * * ? *\"\n  timeZone: UTC\n"
        + "run:\n  tableConcurrency: 2\n  rangeConcurrency: 2\n"
        + "alerts:\n  emails: [ops@example.com]\n"
        + "engine:\n  planning: {rowsPerRange: 5000, bigTableRows: 10000}\n";
  }
}
