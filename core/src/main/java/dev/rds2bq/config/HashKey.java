package dev.rds2bq.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The HMAC key of the {@code hash} policy, read from Secrets Manager once and only when a table uses
 * it. The secret is the key text, or JSON {@code {"key": "..."}}; at least 32 bytes.
 */
public final class HashKey {
  static final int MIN_BYTES = 32;

  private HashKey() {}

  public static Supplier<byte[]> lazy(SecretSource secrets, String secretId) {
    return new Supplier<>() {
      private byte[] key;

      @Override
      public synchronized byte[] get() {
        if (key == null) {
          key = load(secrets, secretId);
        }
        return key;
      }
    };
  }

  static byte[] load(SecretSource secrets, String secretId) {
    if (secretId == null || secretId.isBlank()) {
      throw new ConfigException("the masking policy uses 'hash' but config key 'masking.hashKeySecretId' is not set");
    }
    String value = secrets.secretString(secretId);
    String trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      try {
        JsonNode key = new ObjectMapper().readTree(trimmed).get("key");
        if (key == null || !key.isTextual()) {
          throw new ConfigException("secret '" + secretId + "' is JSON without a text field 'key'");
        }
        value = key.asText();
      } catch (java.io.IOException e) {
        throw new ConfigException("secret '" + secretId + "' starts like JSON but does not parse");
      }
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_BYTES) {
      throw new ConfigException("secret '" + secretId + "' holds a hash key of " + bytes.length
          + " bytes; use at least " + MIN_BYTES + " random bytes");
    }
    return bytes;
  }
}
