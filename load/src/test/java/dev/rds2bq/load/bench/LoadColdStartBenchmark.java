package dev.rds2bq.load.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.localgcp.LocalGoogleCloud;
import dev.rds2bq.localstack.LocalS3;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The load Lambda's cold start: a fresh JVM on the Lambda jar, from process start to StartLoads'
 * first response against the stand-ins, for several JVM flag sets; medians of N runs and ratios
 * against the default flags, measured in this process one after another.
 *
 * <p>Run with {@code mvn -pl load exec:exec@cold-start} after {@code mvn -pl load -am install}.
 */
public final class LoadColdStartBenchmark {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    Path jar = Files.list(Path.of("target")).filter(p -> p.toString().endsWith("-lambda.jar")).findFirst()
        .orElseThrow(() -> new IllegalStateException("package the load module first"));
    Path dir = Files.createTempDirectory("rds2bq-cold-start");
    List<String[]> flagSets = List.of(
        new String[] {},
        new String[] {"-XX:TieredStopAtLevel=1"},
        new String[] {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"});
    try (LocalS3 s3 = LocalS3.start(dir.resolve("s3"));
        LocalGoogleCloud google = new LocalGoogleCloud(dir.resolve("w.duckdb"), s3.endpoint(),
            dev.rds2bq.localgcp.LocalDataTransferService.Pace.IMMEDIATE)) {
      s3.createBucket("bench");
      String manifestKey = publish(s3.client(), dir);
      System.out.printf("load jar %s: %.1f MB; %d runs per flag set; %s, %d cores%n", jar.getFileName(),
          Files.size(jar) / 1e6, runs, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
      double baseline = 0;
      for (String[] flags : flagSets) {
        List<Long> total = new ArrayList<>();
        List<Long> init = new ArrayList<>();
        List<Long> first = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          String request = "{\"runId\":\"cold\",\"runDate\":\"2026-11-26\",\"tables\":[{\"database\":\"shop\","
              + "\"table\":\"customer\",\"status\":\"PUBLISHED\",\"publish\":{\"manifestKey\":\"" + manifestKey + "\"}}]}";
          List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
          cmd.addAll(Arrays.asList(flags));
          cmd.addAll(List.of("-cp", jar.toAbsolutePath() + File.pathSeparator + Path.of("target/test-classes").toAbsolutePath(),
              LoadColdStartHarness.class.getName(), s3.endpoint().toString(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY,
              "bench", google.transferEndpoint(), google.bigQueryHost(), "cold" + i, request));
          long t0 = System.nanoTime();
          Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("err.txt").toFile()).start();
          String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          p.waitFor(120, TimeUnit.SECONDS);
          long wall = (System.nanoTime() - t0) / 1_000_000;
          String timing = out.lines().filter(l -> l.startsWith("timing ")).findFirst()
              .orElseThrow(() -> new IllegalStateException("harness failed: " + out + readErr(dir)));
          JsonNode response = new ObjectMapper().readTree(out.lines().findFirst().orElseThrow());
          if (!"PENDING".equals(response.path("loads").path(0).path("state").asText())) {
            throw new IllegalStateException("unexpected response " + response);
          }
          String[] t = timing.split(" ");
          total.add(wall);
          init.add(Long.parseLong(t[1]) + Long.parseLong(t[2]));
          first.add(Long.parseLong(t[3]));
        }
        double median = median(total);
        if (baseline == 0) {
          baseline = median;
        }
        System.out.printf("flags %-55s total %5.0f ms (ratio %.2f) | JVM+init %5.0f ms | first response %5.0f ms%n",
            flags.length == 0 ? "(default)" : String.join(" ", flags), median, median / baseline, median(init), median(first));
      }
    }
  }

  private static String readErr(Path dir) {
    try {
      return Files.readString(dir.resolve("err.txt"));
    } catch (Exception e) {
      return "";
    }
  }

  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  private static String publish(S3Client s3, Path dir) throws Exception {
    String folder = "rds2bq/shop/customer/dt=2026-11-26/run=cold/attempt=1/";
    Path file = dir.resolve("part.parquet");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT i::BIGINT AS id, 'x' || i AS name FROM range(1000) t(i)) TO '" + file + "' (FORMAT PARQUET)");
    }
    s3.putObject(b -> b.bucket("bench").key(folder + "part-full-00000.parquet"), RequestBody.fromFile(file));
    String manifest = "{\"formatVersion\":1,\"database\":\"shop\",\"table\":\"customer\",\"runId\":\"cold\",\"attempt\":\"1\","
        + "\"runDate\":\"2026-11-26\",\"rows\":1000,\"bytes\":" + Files.size(file) + ",\"files\":[{\"key\":\"" + folder
        + "part-full-00000.parquet\",\"bytes\":" + Files.size(file) + ",\"rows\":1000,\"range\":\"full\"}],"
        + "\"bigQuerySchema\":[{\"name\":\"id\",\"type\":\"INT64\",\"mode\":\"NULLABLE\"},"
        + "{\"name\":\"name\",\"type\":\"STRING\",\"mode\":\"NULLABLE\"}]}";
    s3.putObject(b -> b.bucket("bench").key(folder + "_manifest.json"), RequestBody.fromString(manifest));
    return folder + "_manifest.json";
  }
}
