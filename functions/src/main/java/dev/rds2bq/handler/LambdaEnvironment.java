package dev.rds2bq.handler;

import dev.rds2bq.config.AwsSecretSource;
import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.export.ExportEngines;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.source.SourceConnector;
import dev.rds2bq.storage.S3ObjectStore;
import java.nio.file.Path;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * What every handler's no-arg constructor needs in AWS, built once per container: the config named
 * by {@code RDS2BQ_CONFIG}, and AWS clients on the one HTTP client the package carries.
 */
final class LambdaEnvironment {
  final Path configFile;
  final PipelineConfig config;

  private LambdaEnvironment(Path configFile) {
    this.configFile = configFile;
    this.config = ExportEngines.readConfig(configFile);
  }

  static LambdaEnvironment load() {
    return new LambdaEnvironment(Path.of(System.getenv().getOrDefault("RDS2BQ_CONFIG", "/var/task/rds2bq.yaml")));
  }

  MaskingPolicy policy() {
    return ExportEngines.readPolicy(config, configFile.toAbsolutePath().getParent());
  }

  S3ObjectStore store() {
    S3Client s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    return new S3ObjectStore(s3, config.bucket(), config.parquet().uploadPartMiB() << 20);
  }

  AwsSecretSource secrets() {
    return new AwsSecretSource(SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
  }

  SourceConnector source(AwsSecretSource secrets) {
    String id = config.source().secretId();
    return new SourceConnector(DatabaseSecret.parse(id, secrets.secretString(id)), config.source());
  }

  SfnClient stepFunctions() {
    return SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }
}
