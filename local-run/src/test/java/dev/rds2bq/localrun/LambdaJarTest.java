package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.localstack.BuiltJar;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.localstack.EmbeddedMySql;
import dev.rds2bq.localstack.LocalS3;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda packages on their own: ExportTable in a JVM with only the export jar for rds2bq's code,
 * and PlanRun, PublishTable and SummarizeRun with only the control jar.
 */
class LambdaJarTest {
  @TempDir
  Path dir;

  @Test
  void theLambdaJarAloneRunsAnExport() throws Exception {
    Path jar = jar("-lambda.jar");
    try (EmbeddedMySql mysql = EmbeddedMySql.start(null); LocalS3 s3 = LocalS3.start(dir.resolve("s3"))) {
      DemoData.loadSakila(mysql);
      // The demo policy names both demo databases, and a plan checks every name it gives.
      DemoData.createHealthApp(mysql, DemoData.HEALTHAPP, new DemoData.Sizes(20, 20, 20));
      s3.createBucket("jar-check");
      String policy;
      try (var in = DemoData.class.getResourceAsStream("/demo/masking.yaml")) {
        policy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String request = "{\"runId\":\"jar\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\",\"database\":\"sakila\",\"table\":\"customer\"}";
      String classPath = jar.toAbsolutePath() + File.pathSeparator + Path.of("target/test-classes").toAbsolutePath();
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          classPath, LambdaJarHarness.class.getName(), mysql.secretJson("sakila"), s3.endpoint().toString(),
          LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY, "jar-check", request, policy)
          .redirectError(dir.resolve("stderr.txt").toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out + Files.readString(dir.resolve("stderr.txt")));
      JsonNode result = new ObjectMapper().readTree(out);
      assertEquals(599, result.get("rowsWritten").asLong());
      List<String> keys = s3.client().listObjectsV2(b -> b.bucket("jar-check")).contents().stream()
          .map(o -> o.key()).toList();
      assertEquals(List.of(result.get("files").get(0).get("key").asText()), keys);
    }
  }

  /** The functions module's export ({@code -lambda.jar}) or control ({@code -control.jar}) package of this build. */
  private static Path jar(String suffix) {
    return BuiltJar.of(suffix.equals("-lambda.jar") ? "rds2bq.functionsJar" : "rds2bq.controlJar",
        Path.of("../functions/target/classes"));
  }

  private String runAlone(Path jar, Class<?> harness, List<String> args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", jar.toAbsolutePath() + File.pathSeparator + Path.of("target/test-classes").toAbsolutePath(),
        harness.getName()));
    command.addAll(args);
    Path err = Files.createTempFile(dir, "harness", ".err");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out + Files.readString(err));
    return out;
  }

  @Test
  void theControlJarAlonePlansPublishesAndSummarizes() throws Exception {
    Path control = jar("-control.jar");
    Path export = jar("-lambda.jar");
    assertTrue(Files.size(control) < Files.size(export) / 2, "the control package leaves Hadoop and Parquet out");
    ObjectMapper json = new ObjectMapper();
    try (EmbeddedMySql mysql = EmbeddedMySql.start(null); LocalS3 s3 = LocalS3.start(dir.resolve("s3"))) {
      DemoData.loadSakila(mysql);
      // The demo policy names both demo databases, and a plan checks every name it gives.
      DemoData.createHealthApp(mysql, DemoData.HEALTHAPP, new DemoData.Sizes(20, 20, 20));
      s3.createBucket("control-check");
      String policy;
      try (var in = DemoData.class.getResourceAsStream("/demo/masking.yaml")) {
        policy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      List<String> common = List.of(mysql.secretJson("sakila"), s3.endpoint().toString(), LocalS3.ACCESS_KEY,
          LocalS3.SECRET_KEY, "control-check", policy);
      java.util.function.BiFunction<String, String, List<String>> argsOf = (mode, input) -> {
        List<String> a = new java.util.ArrayList<>(List.of(mode));
        a.addAll(common);
        a.add(input);
        return a;
      };

      // Every Sakila table: each column type's mapping (DECIMAL, BLOB, GEOMETRY, SET, YEAR...) is resolved.
      JsonNode plan = json.readTree(runAlone(control, ControlJarHarness.class, argsOf.apply("plan",
          "{\"runDate\": \"2026-11-26\", \"runId\": \"ctl\"}")));
      assertEquals(16, plan.get("tableCount").asInt(), plan.toString());

      String request = "{\"runId\":\"ctl\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\",\"database\":\"sakila\",\"table\":\"customer\"}";
      String exported = runAlone(export, LambdaJarHarness.class, List.of(mysql.secretJson("sakila"),
          s3.endpoint().toString(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY, "control-check", request, policy));
      JsonNode published = json.readTree(runAlone(control, ControlJarHarness.class, argsOf.apply("publish",
          "{\"runId\":\"ctl\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\",\"database\":\"sakila\",\"table\":\"customer\","
              + "\"expectedRanges\":1,\"exports\":[" + exported.trim() + "]}")));
      assertEquals(599, published.get("rows").asLong(), published.toString());

      String sample;
      try (var in = LambdaJarTest.class.getResourceAsStream("/events/SummarizeRun/all-loaded.json")) {
        sample = in == null ? Files.readString(Path.of("../events/SummarizeRun/all-loaded.json"))
            : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      JsonNode summary = json.readTree(runAlone(control, ControlJarHarness.class, argsOf.apply("summarize", sample)));
      assertEquals(json.readTree(Files.readString(Path.of("../events/SummarizeRun/responses/all-loaded.json"))), summary);
    }
  }
}
