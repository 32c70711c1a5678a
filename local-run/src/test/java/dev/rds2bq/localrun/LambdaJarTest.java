package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** The Lambda package on its own: an ExportTable invocation in a JVM with only that jar for rds2bq's code. */
class LambdaJarTest {
  @TempDir
  Path dir;

  @Test
  void theLambdaJarAloneRunsAnExport() throws Exception {
    Path jar;
    try (var files = Files.list(Path.of("../functions/target"))) {
      jar = files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("build functions first: its package phase makes the jar"));
    }
    try (EmbeddedMySql mysql = EmbeddedMySql.start(null); LocalS3 s3 = LocalS3.start(dir.resolve("s3"))) {
      DemoData.loadSakila(mysql);
      s3.createBucket("jar-check");
      String policy;
      try (var in = DemoData.class.getResourceAsStream("/demo/masking.yaml")) {
        policy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String request = "{\"runId\":\"jar\",\"runDate\":\"2026-11-26\",\"database\":\"sakila\",\"table\":\"customer\"}";
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
}
