package dev.rds2bq.handler;

import dev.rds2bq.config.AwsClients;
import dev.rds2bq.config.DeployedConfig;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.mask.MaskingPolicy;
import java.nio.file.Path;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * What every handler's no-arg constructor needs in AWS, built once per container: the config named
 * by {@code RDS2BQ_CONFIG} (a path or an S3 URI, see {@link DeployedConfig}), and the {@link Engines}
 * over Secrets Manager and the export bucket, with AWS clients on the one HTTP client the package
 * carries. Nothing here reads a secret: the engines do, at their first use.
 */
final class LambdaEnvironment {
  final Path configDir;
  final PipelineConfig config;
  final Engines engines;

  private LambdaEnvironment(DeployedConfig deployed) {
    this.configDir = deployed.configDir();
    this.config = deployed.config();
    this.engines = new Engines(config, AwsClients.secrets(), AwsClients.store(config));
  }

  static LambdaEnvironment load() {
    return new LambdaEnvironment(DeployedConfig.load(System.getenv(), AwsClients::s3, Path.of("/tmp/rds2bq-config")));
  }

  MaskingPolicy policy() {
    return Engines.readPolicy(config, configDir);
  }

  SfnClient stepFunctions() {
    return SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }
}
