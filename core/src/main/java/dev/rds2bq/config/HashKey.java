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

  /**
   * The key by version: PlanRun pins the version that is current when a run is planned
   * ({@link #currentVersion}), and every export of the run reads that version, so a rotation during
   * a run cannot give one table two keys. Each version is read once per container; a null version
   * (a run planned where the store keeps none, or an export started by hand) is the current value.
   */
  public static Versions versions(SecretSource secrets, String secretId) {
    return new Versions(secrets, secretId);
  }

  public static final class Versions {
    private final SecretSource secrets;
    private final String secretId;
    private final java.util.Map<String, byte[]> byVersion = new java.util.concurrent.ConcurrentHashMap<>();
    private final Supplier<byte[]> current;

    private Versions(SecretSource secrets, String secretId) {
      this.secrets = secrets;
      this.secretId = secretId;
      this.current = lazy(secrets, secretId);
    }

    /** The version a run pins: the current one now, or null where the store keeps no versions. */
    public String currentVersion() {
      requireId(secretId);
      return secrets.currentVersion(secretId);
    }

    public byte[] key(String version) {
      if (version == null) {
        return current.get();
      }
      return byVersion.computeIfAbsent(version, v -> {
        requireId(secretId);
        return parse(secretId, secrets.secretString(secretId, v));
      });
    }
  }

  private static void requireId(String secretId) {
    if (secretId == null || secretId.isBlank()) {
      throw new ConfigException("the masking policy uses 'hash' but config key 'masking.hashKeySecretId' is not set");
    }
  }

  static byte[] load(SecretSource secrets, String secretId) {
    requireId(secretId);
    return parse(secretId, secrets.secretString(secretId));
  }

  private static byte[] parse(String secretId, String value) {
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
