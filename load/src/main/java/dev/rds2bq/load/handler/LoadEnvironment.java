package dev.rds2bq.load.handler;

import dev.rds2bq.config.AwsClients;
import dev.rds2bq.config.DeployedConfig;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.config.SecretSource;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.load.GoogleClients;
import dev.rds2bq.load.GoogleSecretCredentials;
import dev.rds2bq.load.RetryPolicy;
import dev.rds2bq.load.S3AccessKey;
import dev.rds2bq.storage.S3ObjectStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the load handlers' no-arg constructors build once per container: the config, the Google
 * clients with credentials from Secrets Manager, and the S3 store the manifests are read from.
 * Nothing here reads a switch to other endpoints or to no credentials: the local run and the tests
 * give the handlers their clients through the injecting constructors.
 */
final class LoadEnvironment {
  final PipelineConfig config;
  final BigQueryConfig bigquery;
  final SecretSource secrets;
  final GoogleClients clients;

  private LoadEnvironment(Map<String, String> env) {
    config = DeployedConfig.load(env, AwsClients::s3, Path.of("/tmp/rds2bq-config")).config();
    bigquery = config.bigquery();
    if (bigquery == null) {
      throw new ConfigException("config has no 'bigquery' section, which StartLoads and CheckLoads need"
          + " (docs/configuration.md#bigquery); run with \"load\": false to skip loading");
    }
    secrets = AwsClients.secrets();
    RetryPolicy retry = RetryPolicy.of(bigquery.requestTimeoutSeconds(), bigquery.maxAttempts());
    String id = bigquery.credentialsSecretId();
    // Built now, with the secret read at the first request: SnapStart keeps the clients, not the key.
    clients = GoogleClients.google(bigquery, () -> GoogleSecretCredentials.parse(id, secrets.secretString(id)), retry);
  }

  static LoadEnvironment load() {
    return new LoadEnvironment(System.getenv());
  }

  /** Read at every StartLoads, so a rotated key is used at once. */
  S3AccessKey accessKey() {
    String id = bigquery.s3AccessKeySecretId();
    return S3AccessKey.parse(id, secrets.secretString(id));
  }

  S3ObjectStore store() {
    return AwsClients.store(config);
  }

}
