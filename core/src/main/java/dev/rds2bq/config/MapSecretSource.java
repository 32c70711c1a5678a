package dev.rds2bq.config;

import dev.rds2bq.error.ConfigException;
import java.util.Map;

/** Secrets held in memory: the local run and the tests. */
public final class MapSecretSource implements SecretSource {
  private final Map<String, String> secrets;

  public MapSecretSource(Map<String, String> secrets) {
    this.secrets = Map.copyOf(secrets);
  }

  @Override
  public String secretString(String secretId) {
    String value = secrets.get(secretId);
    if (value == null) {
      throw new ConfigException("secret '" + secretId + "' does not exist; known secrets: " + secrets.keySet());
    }
    return value;
  }
}
