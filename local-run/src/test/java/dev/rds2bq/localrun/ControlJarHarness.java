package dev.rds2bq.localrun;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.handler.PlanRunHandler;
import dev.rds2bq.handler.PublishTableHandler;
import dev.rds2bq.handler.SummarizeRunHandler;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.metrics.TableMetrics;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One PlanRun, PublishTable or SummarizeRun invocation in a JVM whose class path is the control jar
 * and this class only: a class those functions need but the jar left out fails here. Arguments:
 * {@code plan|publish|summarize}, source secret JSON, S3 endpoint, access key, secret key, bucket,
 * masking policy, input JSON.
 */
public final class ControlJarHarness {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    var input = new ByteArrayInputStream(args[7].getBytes(StandardCharsets.UTF_8));
    if (mode.equals("summarize")) {
      new SummarizeRunHandler(TableMetrics.NONE).handleRequest(input, System.out, null);
    } else {
      S3Client s3 = S3Client.builder().endpointOverride(URI.create(args[2])).region(Region.US_EAST_1).forcePathStyle(true)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[3], args[4])))
          .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
      PipelineConfig config = PipelineConfig.parse("harness", "bucket: " + args[5] + "\nprefix: exports\n"
          + "source: {secretId: src, tls: disabled, allowWritable: true}\nmasking: {policyFile: m.yaml, hashKeySecretId: key}\ndatabases: [sakila]\n"
          + "publish: {verifySourceCount: true}\n");
      Engines engines = new Engines(config, new MapSecretSource(Map.of("src", args[1], "key",
          "harness-hash-key-0123456789abcdef0123")),
          new S3ObjectStore(s3, args[5], 5 << 20));
      if (mode.equals("plan")) {
        new PlanRunHandler(engines.planner(MaskingPolicy.parse("m.yaml", args[6]), Clock.systemUTC(), null))
            .handleRequest(input, System.out, null);
      } else {
        new PublishTableHandler(engines.publisher(Clock.systemUTC())).handleRequest(input, System.out, null);
      }
    }
    System.out.flush();
    System.exit(0);
  }
}
