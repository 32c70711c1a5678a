package dev.rds2bq.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.AwsCredentials;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.rds2bq.error.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Google credentials from the Secrets Manager secret {@code bigquery.credentialsSecretId}, in one of
 * two forms (docs/loading.md#credentials):
 *
 * <ul>
 *   <li>{@code "type": "external_account"}: a Workload Identity Federation config whose credential
 *       source is AWS. The Lambda's own role is the identity; nothing long-lived is stored. Preferred.
 *   <li>{@code "type": "service_account"}: a service-account key file.
 * </ul>
 *
 * Parsing makes no network call; tokens are fetched at the first request. Messages name the secret,
 * never its content.
 */
public final class GoogleSecretCredentials {
  static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoogleSecretCredentials() {}

  public static GoogleCredentials parse(String secretId, String secret) {
    JsonNode node;
    try {
      node = JSON.readTree(secret);
    } catch (IOException e) {
      throw new ConfigException("secret '" + secretId + "' (bigquery.credentialsSecretId) is not JSON; store the"
          + " service-account key file or the Workload Identity Federation config as it was downloaded");
    }
    String type = node == null ? "" : node.path("type").asText("");
    try {
      return switch (type) {
        case "external_account" -> externalAccount(secretId, secret);
        case "service_account" -> ServiceAccountCredentials
            .fromStream(new ByteArrayInputStream(secret.getBytes(StandardCharsets.UTF_8))).createScoped(SCOPES);
        default -> throw new ConfigException("secret '" + secretId + "' (bigquery.credentialsSecretId) has type '"
            + type + "'; expected 'external_account' (Workload Identity Federation, recommended) or 'service_account'"
            + " (a key file). User credentials ('authorized_user') are not accepted for a pipeline.");
      };
    } catch (IOException | IllegalArgumentException e) {
      // The library's messages describe the missing field, not the secret's value.
      throw new ConfigException("secret '" + secretId + "' (bigquery.credentialsSecretId) is a " + type
          + " credential the Google auth library rejects: " + e.getMessage());
    }
  }

  private static GoogleCredentials externalAccount(String secretId, String secret) throws IOException {
    ExternalAccountCredentials credentials =
        ExternalAccountCredentials.fromStream(new ByteArrayInputStream(secret.getBytes(StandardCharsets.UTF_8)));
    if (!(credentials instanceof AwsCredentials)) {
      throw new ConfigException("secret '" + secretId + "' is a Workload Identity Federation config whose"
          + " credential source is not AWS (" + credentials.getClass().getSimpleName() + "). In Lambda, create the"
          + " config for an AWS provider: gcloud iam workload-identity-pools create-cred-config ... --aws");
    }
    AwsCredentials aws = (AwsCredentials) credentials;
    // Same pool, provider and impersonation; the AWS keys come from the SDK's chain (LambdaRoleAwsCredentials).
    AwsCredentials.Builder builder = AwsCredentials.newBuilder()
        .setAudience(aws.getAudience())
        .setSubjectTokenType(aws.getSubjectTokenType())
        .setTokenUrl(aws.getTokenUrl())
        .setServiceAccountImpersonationUrl(aws.getServiceAccountImpersonationUrl())
        .setUniverseDomain(aws.getUniverseDomain())
        .setAwsSecurityCredentialsSupplier(new LambdaRoleAwsCredentials())
        .setScopes(SCOPES);
    if (aws.getQuotaProjectId() != null) {
      builder.setQuotaProjectId(aws.getQuotaProjectId());
    }
    return builder.build();
  }
}
