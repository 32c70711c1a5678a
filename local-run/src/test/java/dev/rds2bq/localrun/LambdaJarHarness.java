package dev.rds2bq.localrun;

import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.handler.ExportTableHandler;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs one ExportTable invocation in a JVM whose class path is the Lambda jar and this class only:
 * if the package lacks a class the export needs, this fails. Arguments: source secret JSON, S3
 * endpoint, access key, secret key, bucket, request JSON, masking policy.
 */
public final class LambdaJarHarness {
  public static void main(String[] args) throws Exception {
    S3Client s3 = S3Client.builder().endpointOverride(URI.create(args[1])).region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[2], args[3])))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    PipelineConfig config = PipelineConfig.parse("harness", "bucket: " + args[4] + "\nprefix: exports\n"
        + "source: {secretId: src, tls: disabled}\nmasking: {policyFile: m.yaml, hashKeySecretId: key}\n"
        + "parquet: {compression: zstd}\n");
    Engines engines = new Engines(config,
        new MapSecretSource(Map.of("src", args[0], "key", "harness-hash-key-0123456789abcdef0123")),
        new S3ObjectStore(s3, args[4], 5 << 20));
    ExportTableHandler handler = new ExportTableHandler(
        engines.exporter(MaskingPolicy.parse("m.yaml", args[6]), ExportListener.NONE));
    handler.handleRequest(new ByteArrayInputStream(args[5].getBytes(StandardCharsets.UTF_8)), System.out, null);
    System.out.flush();
    System.exit(0);
  }
}
