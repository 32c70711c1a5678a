package dev.rds2bq.handler;

import dev.rds2bq.config.AwsClients;
import dev.rds2bq.config.AwsSecretSource;
import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.DeployedConfig;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.export.ExportEngines;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.source.SourceConnector;
import dev.rds2bq.storage.S3ObjectStore;
import java.nio.file.Path;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * What every handler's no-arg constructor needs in AWS, built once per container: the config named
 * by {@code RDS2BQ_CONFIG} (a path or an S3 URI, see {@link DeployedConfig}), and AWS clients on the
 * one HTTP client the package carries.
 */
final class LambdaEnvironment {
  final Path configDir;
  final PipelineConfig config;

  private LambdaEnvironment(DeployedConfig deployed) {
    this.configDir = deployed.configDir();
    this.config = deployed.config();
  }

  static LambdaEnvironment load() {
    return new LambdaEnvironment(DeployedConfig.load(System.getenv(), AwsClients::s3, Path.of("/tmp/rds2bq-config")));
  }

  MaskingPolicy policy() {
    return ExportEngines.readPolicy(config, configDir);
  }

  S3ObjectStore store() {
    return AwsClients.store(config);
  }

  AwsSecretSource secrets() {
    return AwsClients.secrets();
  }

  SourceConnector source(AwsSecretSource secrets) {
    String id = config.source().secretId();
    return new SourceConnector(DatabaseSecret.parse(id, secrets.secretString(id)), config.source());
  }

  SfnClient stepFunctions() {
    return SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }
}
