package dev.rds2bq.config;

import dev.rds2bq.storage.S3ObjectStore;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The AWS clients every Lambda package builds, on the one HTTP client the packages carry (the JDK's
 * URLConnection: no Apache or Netty client in a jar), with region and credentials from Lambda's
 * environment.
 */
public final class AwsClients {
  private AwsClients() {}

  public static S3Client s3() {
    return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  /** The run's bucket, with the upload part size of the config. */
  public static S3ObjectStore store(PipelineConfig config) {
    return new S3ObjectStore(s3(), config.bucket(), config.parquet().uploadPartMiB() << 20);
  }

  public static AwsSecretSource secrets() {
    return new AwsSecretSource(SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
  }
}
