package dev.rds2bq.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the app as {@code cdk synth} does, offline: a separate JVM on this module's class path, told
 * the output folder and the context (cdk.json's, plus the deploy config and jars) through
 * {@code CDK_OUTDIR} and {@code CDK_CONTEXT_JSON}, exactly the variables the CDK CLI sets. Assets
 * are staged for real here.
 */
class AppSynthTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path OUT = TestApps.tempDir("cdk-synth");

  private record Run(int exitCode, String stderr) {}

  private static Run runApp(Map<String, Object> context) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Rds2bqApp.class.getName());
    pb.environment().put("CDK_OUTDIR", OUT.toString());
    pb.environment().put("CDK_CONTEXT_JSON", JSON.writeValueAsString(context));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path stderr = Files.createTempFile("rds2bq-synth", ".err");
    pb.redirectError(stderr.toFile());
    Process process = pb.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the app did not finish in 180 s");
    }
    return new Run(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void removeAssembly() throws IOException {
    try (Stream<Path> files = Files.walk(OUT)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void theAppSynthesizesACloudAssemblyWithTheStackAndItsSixAssets() throws Exception {
    Map<String, Object> context = new HashMap<>(TestApps.cdkJsonContext());
    context.putAll(TestApps.inputs(TestApps.resource("deploy/test.deploy.yaml")));
    Run run = runApp(context);
    assertEquals(0, run.exitCode(), run.stderr());

    JsonNode manifest = JSON.readTree(OUT.resolve("manifest.json").toFile());
    JsonNode artifact = manifest.path("artifacts").path("rds2bq-test");
    assertEquals("aws:cloudformation:stack", artifact.path("type").asText());
    assertEquals("aws://111122223333/ap-northeast-1", artifact.path("environment").asText());
    for (JsonNode entries : artifact.path("metadata")) {
      for (JsonNode entry : entries) {
        assertTrue(!entry.path("type").asText().equals("aws:cdk:error"), "synth error: " + entry);
      }
    }

    JsonNode template = JSON.readTree(OUT.resolve("rds2bq-test.template.json").toFile());
    long functions = Stream.of(template.path("Resources")).flatMap(r -> {
      List<JsonNode> all = new java.util.ArrayList<>();
      r.forEach(all::add);
      return all.stream();
    }).filter(r -> r.path("Type").asText().equals("AWS::Lambda::Function")).count();
    assertEquals(6, functions);

    List<JsonNode> files = new java.util.ArrayList<>();
    JSON.readTree(OUT.resolve("rds2bq-test.assets.json").toFile()).path("files").forEach(f -> {
      if (!f.path("source").path("path").asText().endsWith(".template.json")) {
        files.add(f);
      }
    });
    Set<String> kinds = new TreeSet<>();
    files.forEach(f -> {
      String path = f.path("source").path("path").asText();
      kinds.add(path.substring(path.lastIndexOf('.') + 1));
      assertEquals("file", f.path("source").path("packaging").asText(), path);
      assertTrue(Files.isRegularFile(OUT.resolve(path)), "staged: " + path);
    });
    assertEquals(Set.of("jar", "yaml", "pem"), kinds);
    assertEquals(6, files.size(), "three jars, the engine config, the masking policy, the CA bundle: " + files);

    String engineConfig = null;
    for (JsonNode f : files) {
      String staged = Files.readString(OUT.resolve(f.path("source").path("path").asText()), StandardCharsets.ISO_8859_1);
      if (staged.startsWith("# Generated at synth")) {
        engineConfig = staged;
      }
    }
    assertTrue(engineConfig != null && engineConfig.contains("bucket: rds2bq-test-exports"), String.valueOf(engineConfig));
  }

  @Test
  void aMissingJarStopsTheAppWithAMessageThatSaysHowToBuildIt() throws Exception {
    Map<String, Object> context = new HashMap<>(TestApps.cdkJsonContext());
    context.putAll(TestApps.inputs(TestApps.resource("deploy/test.deploy.yaml")));
    context.put("loadJar", "../load/target/absent-lambda.jar");
    Run run = runApp(context);
    assertEquals(1, run.exitCode(), run.stderr());
    assertTrue(run.stderr().contains("rds2bq: the Lambda package of the load module is missing: ")
        && run.stderr().contains("mvn -B package -DskipTests"), run.stderr());
  }
}
