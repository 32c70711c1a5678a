package dev.rds2bq.config;

/** Where secrets come from: Secrets Manager in AWS, a map in the local run and tests. */
@FunctionalInterface
public interface SecretSource {
  /**
   * The secret's string value. Implementations throw {@link dev.rds2bq.error.ConfigException} for a
   * secret that does not exist and never put the value in a message.
   */
  String secretString(String secretId);
}
