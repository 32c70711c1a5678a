package dev.rds2bq.config;

import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.StorageUnavailableException;
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
    try {
      String value = client.getSecretValue(b -> b.secretId(secretId)).secretString();
      if (value == null) {
        throw new ConfigException("secret '" + secretId + "' has no SecretString; store it as text, not binary");
      }
      return value;
    } catch (ResourceNotFoundException e) {
      throw new ConfigException("secret '" + secretId + "' does not exist in this account and region");
    } catch (DecryptionFailureException e) {
      throw new ConfigException("secret '" + secretId + "' cannot be decrypted: grant kms:Decrypt on its key"
          + " to this function's role");
    } catch (SecretsManagerException e) {
      if (e.statusCode() != 400 && e.statusCode() != 403) {
        throw new StorageUnavailableException("Secrets Manager failed reading '" + secretId + "'", e);
      }
      throw new ConfigException("secret '" + secretId + "' cannot be read: grant secretsmanager:GetSecretValue"
          + " (and kms:Decrypt on its key) to this function's role");
    } catch (SdkException e) {
      throw new StorageUnavailableException("Secrets Manager failed reading '" + secretId + "'", e);
    }
  }
}
