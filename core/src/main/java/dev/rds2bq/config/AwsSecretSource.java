package dev.rds2bq.config;

import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.StorageUnavailableException;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DecryptionFailureException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/** Secrets Manager. Messages name the secret id and the fix, never the value. */
public final class AwsSecretSource implements SecretSource {
  private final SecretsManagerClient client;

  public AwsSecretSource(SecretsManagerClient client) {
    this.client = client;
  }

  @Override
  public String secretString(String secretId) {
    return secretString(secretId, null);
  }

  @Override
  public String secretString(String secretId, String versionId) {
    String value = call(secretId, versionId, "GetSecretValue",
        () -> client.getSecretValue(b -> b.secretId(secretId).versionId(versionId)).secretString());
    if (value == null) {
      throw new ConfigException("secret '" + secretId + "' has no SecretString; store it as text, not binary");
    }
    return value;
  }

  /** DescribeSecret, which needs no access to the value: the version that is AWSCURRENT now. */
  @Override
  public String currentVersion(String secretId) {
    Map<String, List<String>> stages = call(secretId, null, "DescribeSecret",
        () -> client.describeSecret(b -> b.secretId(secretId)).versionIdsToStages());
    return stages.entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey)
        .findFirst().orElseThrow(() -> new ConfigException("secret '" + secretId + "' has no AWSCURRENT version;"
            + " put a value in it"));
  }

  @Override
  public java.time.Instant lastChanged(String secretId) {
    var described = call(secretId, null, "DescribeSecret", () -> client.describeSecret(b -> b.secretId(secretId)));
    return described.lastChangedDate() != null ? described.lastChangedDate() : described.createdDate();
  }

  private static <T> T call(String secretId, String versionId, String action, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (ResourceNotFoundException e) {
      if (versionId != null) {
        throw new ConfigException("secret '" + secretId + "' has no version " + versionId + ", which this run pinned"
            + " when it was planned (the version was deleted since); start a new run, which pins the current one");
      }
      throw new ConfigException("secret '" + secretId + "' does not exist in this account and region");
    } catch (DecryptionFailureException e) {
      throw new ConfigException("secret '" + secretId + "' cannot be decrypted: grant kms:Decrypt on its key"
          + " to this function's role");
    } catch (SecretsManagerException e) {
      if (e.statusCode() != 400 && e.statusCode() != 403) {
        throw new StorageUnavailableException("Secrets Manager failed reading '" + secretId + "'", e);
      }
      throw new ConfigException("secret '" + secretId + "' cannot be read: grant secretsmanager:" + action
          + " (and kms:Decrypt on its key) to this function's role");
    } catch (SdkException e) {
      throw new StorageUnavailableException("Secrets Manager failed reading '" + secretId + "'", e);
    }
  }
}
