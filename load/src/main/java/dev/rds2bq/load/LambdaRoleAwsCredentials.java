package dev.rds2bq.load;

import com.google.auth.oauth2.AwsSecurityCredentials;
import com.google.auth.oauth2.AwsSecurityCredentialsSupplier;
import com.google.auth.oauth2.ExternalAccountSupplierContext;
import java.io.IOException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The AWS identity Workload Identity Federation signs with: the function's role, found by the AWS
 * SDK's default chain. Google's own AWS source reads only the key variables or the EC2 metadata
 * service; a SnapStart function gets its role credentials from the container endpoint instead
 * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}), which the SDK chain knows and Google's does not.
 */
final class LambdaRoleAwsCredentials implements AwsSecurityCredentialsSupplier {
  private static final long serialVersionUID = 1L;
  private transient DefaultCredentialsProvider provider;

  @Override
  public String getRegion(ExternalAccountSupplierContext context) throws IOException {
    try {
      return new DefaultAwsRegionProviderChain().getRegion().id();
    } catch (SdkException e) {
      throw new IOException("no AWS region for Workload Identity Federation (AWS_REGION is unset)", e);
    }
  }

  @Override
  public AwsSecurityCredentials getCredentials(ExternalAccountSupplierContext context) throws IOException {
    try {
      if (provider == null) {
        provider = DefaultCredentialsProvider.builder().build();
      }
      AwsCredentials c = provider.resolveCredentials();
      String token = c instanceof AwsSessionCredentials s ? s.sessionToken() : null;
      return new AwsSecurityCredentials(c.accessKeyId(), c.secretAccessKey(), token);
    } catch (SdkException e) {
      throw new IOException("no AWS credentials for Workload Identity Federation: " + e.getMessage(), e);
    }
  }
}
