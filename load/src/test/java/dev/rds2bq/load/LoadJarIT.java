package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.load.bench.LoadColdStartHarness;
import dev.rds2bq.localstack.LocalS3;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The load Lambda package on its own: StartLoads in a JVM whose class path is that jar plus the
 * harness, against the stand-ins, and the Google-credentialed clients built from a key (no call).
 */
class LoadJarIT {
  @Test
  void theLoadJarAloneStartsALoadAndBuildsTheGoogleClients() throws Exception {
    Path jar = dev.rds2bq.localstack.BuiltJar.of("rds2bq.loadJar", Path.of("target/classes"));
    LoadTestbed bed = LoadTestbed.get();
    TableOutcome outcome = bed.publish("shop", "jarcheck", "jar-1", LoadFlowTest.CUSTOMER, 3);
    String request = LoadTestbed.JSON.writeValueAsString(new StartLoadsRequest("jar-1", "2026-11-26", List.of(outcome)));
    Path err = Files.createTempFile("load-jar", ".err");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        jar.toAbsolutePath() + File.pathSeparator + Path.of("target/test-classes").toAbsolutePath(),
        LoadColdStartHarness.class.getName(), bed.s3.endpoint().toString(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY,
        LoadTestbed.BUCKET, bed.google.transferEndpoint(), bed.google.bigQueryHost(), "jarcheck", request,
        GoogleSecretCredentialsTest.serviceAccountKey())
        .redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out + Files.readString(err));
    JsonNode response = LoadTestbed.JSON.readTree(out.lines().findFirst().orElseThrow());
    assertEquals("PENDING", response.path("loads").path(0).path("state").asText(), out);
    assertTrue(out.contains("google clients built"), out);
  }
}
