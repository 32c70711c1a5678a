package dev.rds2bq.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rds2bq.config.DeployedConfig;
import dev.rds2bq.cdk.config.FunctionSpec;
import dev.rds2bq.localgcp.LocalDataTransferService;
import dev.rds2bq.localgcp.LocalGoogleAuth;
import dev.rds2bq.localgcp.LocalGoogleCloud;
import dev.rds2bq.localgcp.ServerTls;
import dev.rds2bq.localrun.StateMachineRunner;
import dev.rds2bq.localstack.BuiltJar;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.localstack.LocalSecretsManager;
import dev.rds2bq.localstack.LocalStepFunctions;
import dev.rds2bq.localstack.LocalTls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The deployment the stack describes, run as AWS would run it: the stack is synthesized from a
 * deploy config, and each of its six functions runs in a JVM of its own on its own unpacked code
 * asset, started by the AWS Lambda Java runtime interface client with the template's handler string,
 * memory, timeout, SnapStart and log settings, on the template's Java when this machine has it, with
 * only the template's environment variables plus what Lambda itself sets (region, the role's
 * credentials, function name) and the endpoints of the stand-ins (S3Proxy, Secrets Manager, Step
 * Functions). The engine config, policy and CA bundle are read from their S3 assets, the secrets
 * through Secrets Manager by their ARNs, and the database over TLS with the deployed CA bundle. The
 * loads reach Google's stand-ins over TLS with a token obtained with the service-account key from
 * Secrets Manager; the only change to what the stack generated is {@code bigquery.endpoints} in the
 * engine config. The real state machine definition drives a whole run, loads included.
 */
class DeployedWiringTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STACK = "rds2bq-wiring";
  private static final String BUCKET = "rds2bq-wiring-exports";
  private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:rds2bq-local:wiring-1";
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String PROJECT = "wiring-project";
  private static final String DATASET = "rds2bq";
  private static final String LOADER = "rds2bq-loader@wiring-project.iam.gserviceaccount.com";
  private static final String TRUST_STORE_PASSWORD = "wiring-trust";
  /** Each function's console, kept after the test for a failure's story. */
  private static final Path LOGS = Path.of("target", "lambda-logs").toAbsolutePath();

  @TempDir
  Path root;

  @Test
  void aWholeRunThroughTheSixDeployedFunctions() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    LocalTls databaseCa = LocalTls.newCa("wiring-db", root.resolve("tls"));
    // Google's side has a CA of its own, trusted by the load functions' JVMs only.
    LocalTls googleCa = LocalTls.newCa("wiring-google", root.resolve("tls"));
    LocalTls.ServerFiles googleServer = googleCa.server("127.0.0.1");
    ServerTls googleTls = new ServerTls(googleServer.certificate(), googleServer.key());
    try (EmbeddedMySql mysql = EmbeddedMySql.startWithTls(databaseCa.server("127.0.0.1"));
        LocalS3 s3 = LocalS3.start(root.resolve("s3"));
        LocalSecretsManager secrets = LocalSecretsManager.start();
        LocalStepFunctions stepFunctions = LocalStepFunctions.start();
        LocalGoogleAuth googleAuth = new LocalGoogleAuth(googleTls);
        LocalGoogleCloud google = LocalGoogleCloud.withTls(root.resolve("warehouse.duckdb"), s3.endpoint(),
            LocalDataTransferService.Pace.IMMEDIATE, googleTls, googleAuth);
        RoleCredentials role = new RoleCredentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
        S3Client s3Client = s3.client()) {
      DemoData.loadSakila(mysql);
      // The demo policy names both demo databases, and a plan checks every name it gives.
      DemoData.createHealthApp(mysql, DemoData.HEALTHAPP, new DemoData.Sizes(20, 20, 20));
      String sourceArn = secrets.create("rds2bq/replica", mysql.secretJson("sakila"));
      String hashArn = secrets.create("rds2bq/hash-key", "{\"key\": \"wiring-hash-key-0123456789abcdef012345\"}");
      String googleArn = secrets.create("rds2bq/google", googleAuth.serviceAccountKey(PROJECT, LOADER));
      // The secret the stack creates beside the DTS reader's IAM user.
      String dtsReader = STACK + "/dts-s3-reader";
      secrets.create(dtsReader, "{\"accessKeyId\": \"" + LocalS3.ACCESS_KEY + "\", \"secretAccessKey\": \""
          + LocalS3.SECRET_KEY + "\"}");

      Path deploy = Files.createDirectories(root.resolve("deploy"));
      Files.copy(databaseCa.caPem(), deploy.resolve("ca.pem"));
      try (InputStream policy = DemoData.class.getResourceAsStream("/demo/masking.yaml")) {
        Files.copy(policy, deploy.resolve("masking.yaml"));
      }
      Path deployYaml = Files.writeString(deploy.resolve("wiring.deploy.yaml"), deployConfig(sourceArn, hashArn, googleArn));

      DeployedTemplate template = new DeployedTemplate(repo.resolve("infra-cdk"), deployYaml,
          BuiltJar.of("rds2bq.functionsJar", repo.resolve("functions/target/classes")),
          BuiltJar.of("rds2bq.controlJar", repo.resolve("functions/target/classes")),
          BuiltJar.of("rds2bq.loadJar", repo.resolve("load/target/classes")),
          repo.resolve("statemachine/pipeline.asl.json"), root.resolve("cdk.out"));

      // What cdk deploy uploads besides code: the engine config, the policy and the CA bundle. The
      // engine config gets one key the stack never writes: where Google's two APIs are.
      String configKey = engineConfigKey(template);
      for (DeployedTemplate.Asset asset : template.assetsByKey.values()) {
        if (!asset.key().endsWith(".jar")) {
          s3.createBucket(asset.bucket());
          RequestBody content = asset.key().equals(configKey)
              ? RequestBody.fromString(withGoogleEndpoints(Files.readString(asset.source()), google))
              : RequestBody.fromFile(asset.source());
          s3Client.putObject(b -> b.bucket(asset.bucket()).key(asset.key()), content);
        }
      }
      s3.createBucket(BUCKET);

      String runtimeClasspath = Files.readString(Path.of(System.getProperty("rds2bq.runtimeClasspath"))).trim();
      List<String> googleTrust = List.of("-Djavax.net.ssl.trustStore=" + googleCa.trustStore(TRUST_STORE_PASSWORD),
          "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD);
      Map<String, RequestStreamHandler> functions = new LinkedHashMap<>();
      Map<Path, List<String>> taskFiles = new LinkedHashMap<>();
      Map<FunctionSpec, ContainerStart> starts = new EnumMap<>(FunctionSpec.class);
      List<LambdaContainer> containers = new ArrayList<>();
      try {
        for (DeployedTemplate.Function f : template.functions.values()) {
          Path task = unpack(f.code(), root.resolve("task").resolve(f.spec().functionName()));
          taskFiles.put(task, files(task));
          Map<String, String> env = lambdaEnvironment(template, f, task, role);
          env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
          env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
          env.put("AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint().toString());
          boolean load = f.spec() == FunctionSpec.START_LOADS || f.spec() == FunctionSpec.CHECK_LOADS;
          starts.put(f.spec(), log -> new LambdaContainer(f.spec().functionName(), f.handler(), task,
              javaHome(f.runtime()), runtimeClasspath, env, load ? googleTrust : List.of(), f.memoryMiB(),
              f.timeoutSeconds(), LOGS.resolve(log + ".log")));
          LambdaContainer c = starts.get(f.spec()).start(f.spec().functionName());
          containers.add(c);
          functions.put(f.spec().functionName(), c);
        }
        AtomicReference<JsonNode> startLoadsInput = new AtomicReference<>();
        AtomicReference<JsonNode> startLoadsOutput = new AtomicReference<>();
        stepFunctions.started(EXECUTION);
        StateMachineRunner.Execution run;
        try (StateMachineRunner runner = new StateMachineRunner(repo.resolve("statemachine"), functions)) {
          run = runner.run("wiring-1", JSON.readTree("{\"runDate\": \"2026-11-26\"}"),
              StateMachineRunner.Options.tests(), new StateMachineRunner.Listener() {
                @Override
                public void returned(String function, JsonNode input, JsonNode output, long millis) {
                  if (function.equals(FunctionSpec.START_LOADS.functionName())) {
                    startLoadsInput.set(input);
                    startLoadsOutput.set(output);
                  }
                }
              });
        }
        StringBuilder logs = new StringBuilder();
        containers.forEach(c -> logs.append(c.tail()).append('\n'));
        assertTrue(run.succeeded(), run.error() + ": " + run.cause() + "\n" + logs);
        JsonNode summary = run.output();
        assertEquals("SUCCEEDED", summary.path("status").asText(), summary.toString());
        assertEquals(20, summary.path("tables").size(), summary.toString());
        for (JsonNode table : summary.path("tables")) {
          assertTrue(table.path("exported").asBoolean(), table.toString());
          assertEquals("SUCCEEDED", table.path("load").asText(), table.toString());
          String name = table.path("database").asText() + "__" + table.path("table").asText();
          assertEquals(table.path("rows").asLong(), google.warehouse().count(DATASET, name), name);
        }
        // The login and the hash key were read by their ARNs through Secrets Manager; the run checked
        // for other executions of its own state machine.
        assertTrue(secrets.reads().stream().anyMatch(r -> r.secretId().equals(sourceArn) && r.answeredVersionId() != null));
        assertTrue(secrets.reads().stream().anyMatch(r -> r.secretId().equals(hashArn) && r.answeredVersionId() != null));
        assertEquals(List.of("arn:aws:states:us-east-1:123456789012:stateMachine:rds2bq-local"),
            stepFunctions.listedMachines());
        // The loads authenticated with the key file from Secrets Manager (a JWT signed by its key, for
        // a token every Google call carried) and gave DTS the stack's reader key.
        assertTrue(secrets.reads().stream().anyMatch(r -> r.secretId().equals(googleArn)));
        assertTrue(secrets.reads().stream().anyMatch(r -> r.secretId().equals(dtsReader)));
        // Lambda's task root is read-only: nothing may have been written beside the code.
        for (Map.Entry<Path, List<String>> task : taskFiles.entrySet()) {
          assertEquals(task.getValue(), files(task.getKey()), "files written into the task root " + task.getKey());
        }
        for (DeployedTemplate.Function f : template.functions.values()) {
          assertEquals(f.snapStart(), ((LambdaContainer) functions.get(f.spec().functionName())).restored(),
              f.name() + ": restored from a snapshot exactly when the template turns SnapStart on");
        }
        if (template.functions.values().stream().anyMatch(DeployedTemplate.Function::snapStart)) {
          assertTrue(role.served() > 0, "the SnapStart functions took the role's credentials from the container endpoint");
        }
        assertEquals(List.of(), googleAuth.refusals());
        assertTrue(!googleAuth.grants().isEmpty() && googleAuth.grants().stream().allMatch(LOADER::equals),
            googleAuth.grants().toString());
        assertEquals(20, google.transfers().configs().size());
        for (var config : google.transfers().configs()) {
          Map<String, String> params = LocalDataTransferService.params(config);
          assertEquals(LocalS3.ACCESS_KEY, params.get("access_key_id"), config.getName());
          assertTrue(params.get("data_path").startsWith("s3://" + BUCKET + "/exports/"), params.get("data_path"));
        }

        // The key is disabled (or deleted) in Google: new containers read the secret and Google's token
        // endpoint refuses it. Each table fails at once, naming the credentials secret as the fix.
        googleAuth.disable(LOADER);
        JsonNode started = invokeFresh(starts.get(FunctionSpec.START_LOADS), "StartLoads-disabled-key", containers,
            startLoadsInput.get());
        assertEquals(20, started.path("loads").size(), started.toString());
        for (JsonNode load : started.path("loads")) {
          assertEquals("FAILED", load.path("state").asText(), load.toString());
          String errors = load.path("errors").toString();
          assertTrue(errors.contains("Fix: the credentials in bigquery.credentialsSecretId were refused")
              && !errors.contains("transient"), load.toString());
        }
        JsonNode checked = invokeFresh(starts.get(FunctionSpec.CHECK_LOADS), "CheckLoads-disabled-key", containers,
            startLoadsOutput.get());
        assertTrue(checked.path("done").asBoolean(), checked.toString());
        for (JsonNode load : checked.path("loads")) {
          assertEquals("FAILED", load.path("state").asText(), load.toString());
          assertTrue(load.path("errors").toString().contains("bigquery.credentialsSecretId"), load.toString());
        }
        assertTrue(googleAuth.refusals().stream().anyMatch(r -> r.contains("account disabled")),
            googleAuth.refusals().toString());
      } finally {
        containers.forEach(LambdaContainer::close);
      }
    }
  }

  /**
   * The JDK the functions run on: the one of the template's runtime ({@code java25} → Java 25) given by
   * {@code rds2bq.lambdaJavaHome} or found under {@code /usr/lib/jvm}; else this build's own, said on
   * the console, since a machine with only the build's JDK must still run the suite.
   */
  private static synchronized String javaHome(String runtime) throws IOException {
    String major = runtime.replaceAll("[^0-9]", "");
    String given = System.getProperty("rds2bq.lambdaJavaHome");
    if (given != null && !given.isBlank()) {
      return given;
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (var dirs = Files.list(jvms)) {
        for (Path dir : dirs.sorted().toList()) {
          Path release = dir.resolve("release");
          if (Files.isRegularFile(release) && Files.isExecutable(dir.resolve("bin/java"))
              && Files.readString(release).matches("(?s).*\\bJAVA_VERSION=\"" + major + "[.\"].*")) {
            return dir.toString();
          }
        }
      }
    }
    System.out.println("DeployedWiringTest: no Java " + major + " (the template's runtime " + runtime + ") under "
        + jvms + " nor in -Drds2bq.lambdaJavaHome; the functions run on this build's Java "
        + Runtime.version().feature());
    return System.getProperty("java.home");
  }

  /** The engine config's S3 key: every function that reads one names the same asset in {@code RDS2BQ_CONFIG}. */
  private static String engineConfigKey(DeployedTemplate template) {
    List<String> locations = template.functions.values().stream()
        .map(f -> f.environment().get(DeployedConfig.CONFIG_VARIABLE)).filter(Objects::nonNull).distinct().toList();
    assertEquals(1, locations.size(), "one engine config for every function that reads one: " + locations);
    String location = locations.get(0);
    assertTrue(location != null && location.startsWith("s3://"), "RDS2BQ_CONFIG is an S3 URI: " + location);
    return location.substring(location.indexOf('/', "s3://".length()) + 1);
  }

  /** The generated engine config with {@code bigquery.endpoints} added: the stand-ins' TLS addresses. */
  private static String withGoogleEndpoints(String engineConfig, LocalGoogleCloud google) throws IOException {
    ObjectNode config = (ObjectNode) YAML.readTree(engineConfig);
    ObjectNode bigquery = (ObjectNode) config.get("bigquery");
    assertTrue(bigquery != null && !bigquery.has("endpoints"), "the stack writes no endpoints: " + engineConfig);
    bigquery.putObject("endpoints").put("dataTransfer", google.transferEndpoint()).put("bigQuery", google.bigQueryHost());
    return YAML.writeValueAsString(config);
  }

  /** Invokes a new execution environment of a function once, as Lambda invokes a cold one. */
  private static JsonNode invokeFresh(ContainerStart start, String name, List<LambdaContainer> containers,
      JsonNode input) throws IOException {
    LambdaContainer fresh = start.start(name);
    containers.add(fresh);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fresh.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(input)), out, null);
    return JSON.readTree(out.toByteArray());
  }

  /** Starts a new execution environment of one function, its console in {@code <log>.log}. */
  @FunctionalInterface
  private interface ContainerStart {
    LambdaContainer start(String log) throws IOException;
  }

  /**
   * What Lambda sets in a function's environment, following the template (runtime, SnapStart, log
   * format and level), then the template's variables.
   */
  private static Map<String, String> lambdaEnvironment(DeployedTemplate t, DeployedTemplate.Function f, Path task,
      RoleCredentials role) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("LAMBDA_TASK_ROOT", task.toString());
    env.put("_HANDLER", f.handler());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + f.runtime());
    env.put("AWS_REGION", t.region);
    env.put("AWS_DEFAULT_REGION", t.region);
    env.put("AWS_LAMBDA_FUNCTION_NAME", f.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(f.memoryMiB()));
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + f.name());
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "wiring");
    if (f.logFormat().equals("JSON")) {
      env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
      if (f.logLevel() != null) {
        env.put("AWS_LAMBDA_LOG_LEVEL", f.logLevel());
      }
    }
    // SnapStart functions get the role's credentials from a container endpoint, never as keys.
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", f.snapStart() ? "snap-start" : "on-demand");
    env.putAll(role.environment(f.snapStart()));
    env.putAll(f.environment());
    return env;
  }

  private static List<String> files(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
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
        + "  replicaSecurityGroupId: sg-0123456789abcdef0\n  s3PrefixListId: pl-63a5400a\n"
        + "tables:\n  include: [\"*\"]\n"
        + "masking:\n  policyFile: masking.yaml\n  hashKeySecretArn: " + hashArn + "\n"
        + "bucket:\n  name: " + BUCKET + "\n  prefix: exports\n"
        + "bigquery:\n  projectId: " + PROJECT + "\n  location: US\n  dataset: " + DATASET + "\n  credentialsSecretArn: " + googleArn
        + "\n"
        + "schedule:\n  cron: \"0 3 * * ? *\"\n  timeZone: UTC\n"
        + "run:\n  tableConcurrency: 2\n  rangeConcurrency: 2\n"
        + "alerts:\n  emails: [ops@example.com]\n"
        + "engine:\n  planning: {rowsPerRange: 5000, bigTableRows: 10000}\n"
        // The embedded MariaDB takes writes; a real deployment reads a replica and leaves this out.
        + "  source: {allowWritable: true}\n";
  }
}
