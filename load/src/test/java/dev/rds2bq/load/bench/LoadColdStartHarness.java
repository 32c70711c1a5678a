package dev.rds2bq.load.bench;

import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.load.GoogleClients;
import dev.rds2bq.load.LoadStarter;
import dev.rds2bq.load.RetryPolicy;
import dev.rds2bq.load.S3AccessKey;
import dev.rds2bq.load.handler.StartLoadsHandler;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One cold StartLoads in a JVM whose class path is the load Lambda jar plus this class: what Lambda's
 * init and first invocation do, against the stand-ins. Prints the JSON response, then one line
 * {@code timing <jvm start to main> <main to handler built> <first response>} in milliseconds.
 * Arguments: S3 endpoint, access key, secret key, bucket, transfer endpoint, BigQuery host, dataset,
 * request JSON, and optionally a service-account key JSON to build the Google-credentialed clients too.
 */
public final class LoadColdStartHarness {
  public static void main(String[] args) throws Exception {
    long mainAt = System.nanoTime();
    long jvmToMain = ManagementFactory.getRuntimeMXBean().getUptime();
    S3Client s3 = S3Client.builder().endpointOverride(URI.create(args[0])).region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2])))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    PipelineConfig config = PipelineConfig.parse("harness", "bucket: " + args[3] + "\nprefix: rds2bq\n"
        + "source: {secretId: src, tls: disabled}\nmasking: {policyFile: m.yaml}\n"
        + "bigquery: {projectId: local-project, location: US, dataset: " + args[6] + ", credentialsSecretId: g,"
        + " s3AccessKeySecretId: k}\n");
    GoogleClients clients = GoogleClients.local(config.bigquery(), args[4], args[5],
        RetryPolicy.of(config.bigquery().requestTimeoutSeconds(), config.bigquery().maxAttempts()));
    StartLoadsHandler handler = new StartLoadsHandler(new LoadStarter(new S3ObjectStore(s3, args[3], 8 << 20), args[3],
        BucketLayout.of(config), config.bigquery(), clients, new S3AccessKey(args[1], args[2]), Clock.systemUTC()));
    long builtAt = System.nanoTime();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(args[7].getBytes(StandardCharsets.UTF_8)), out, null);
    long doneAt = System.nanoTime();
    System.out.println(out.toString(StandardCharsets.UTF_8));
 if (args.length > 8) {
      // The production path too: Google credentials and TLS endpoints, built but not called.
      try (GoogleClients google = GoogleClients.google(config.bigquery(),
          dev.rds2bq.load.GoogleSecretCredentials.parse("harness", args[8]), RetryPolicy.of(30, 3))) {
        System.out.println("google clients built");
      }
    }
    System.out.println("timing " + jvmToMain + " " + (builtAt - mainAt) / 1_000_000 + " " + (doneAt - builtAt) / 1_000_000);
    System.out.flush();
    System.exit(0);
  }
}
