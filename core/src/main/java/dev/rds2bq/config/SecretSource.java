package dev.rds2bq.config;

import dev.rds2bq.error.ConfigException;

/** Where secrets come from: Secrets Manager in AWS, a map in tests and the local run. */
public interface SecretSource {
  /**
   * The secret's string value. Implementations throw {@link dev.rds2bq.error.ConfigException} for a
   * secret that does not exist and never put the value in a message.
   */
  String secretString(String secretId);

  /**
   * The version id of the secret's current value ({@code AWSCURRENT}), read without the value; null
   * where the store keeps no versions (then every reader gets the one value there is).
   */
  default String currentVersion(String secretId) {
    return null;
  }

  /**
   * When the secret's value last changed, read without the value: for a secret holding an access key
   * that the stack replaces, the key's age. Null where the store does not say.
   */
  default java.time.Instant lastChanged(String secretId) {
    return null;
  }

  /** The value of one version of the secret; a null version is the current value. */
  default String secretString(String secretId, String versionId) {
    if (versionId == null) {
      return secretString(secretId);
    }
    throw new ConfigException("secret '" + secretId + "': this secret store keeps no versions, so the run's pinned"
        + " version " + versionId + " cannot be read; plan the run again against the same store");
  }
}
