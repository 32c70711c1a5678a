package dev.rds2bq.cdk.constructs;

import dev.rds2bq.contract.BucketLayout;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.services.iam.AccessKey;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.User;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * The identity BigQuery Data Transfer Service reads the bucket with. DTS's Amazon S3 source takes an
 * access key id and secret, nothing else, so this is an IAM user: it may list the prefix and read
 * objects under it, and its key lives in a Secrets Manager secret named {@code <stack>/dts-s3-reader}
 * ({@code {"accessKeyId": ..., "secretAccessKey": ...}}) that StartLoads hands to DTS.
 */
public final class DtsReader extends Construct {
  private final User user;
  private final Secret secret;

  /** @param keySerial changing it makes CloudFormation replace the access key, and the secret with it */
  public DtsReader(Construct scope, String id, ExportBucket bucket, String secretName, int keySerial) {
    super(scope, id);
    this.user = User.Builder.create(this, "User").build();
    user.addToPolicy(PolicyStatement.Builder.create()
        .sid("ReadPublishedObjects")
        .actions(List.of("s3:GetObject"))
        // Parquet only: the key travels to Google, so it must not open plans or export results (key bounds).
        .resources(List.of(bucket.objectsArn(BucketLayout.DATA_FILES_PATTERN)))
        .build());
    user.addToPolicy(bucket.listPrefix("ListPrefix"));
    user.addToPolicy(PolicyStatement.Builder.create()
        .sid("BucketLocation")
        .actions(List.of("s3:GetBucketLocation"))
        .resources(List.of(bucket.bucketArn()))
        .build());
    PolicyStatement key = bucket.keyUse(false);
    if (key != null) {
      user.addToPolicy(key);
    }

    AccessKey accessKey = AccessKey.Builder.create(this, "AccessKey").user(user).serial(keySerial).build();
    this.secret = Secret.Builder.create(this, "Secret")
        .secretName(secretName)
        .description("Access key of the IAM user BigQuery Data Transfer Service reads the rds2bq bucket with")
        .secretObjectValue(Map.of(
            "accessKeyId", SecretValue.unsafePlainText(accessKey.getAccessKeyId()),
            "secretAccessKey", accessKey.getSecretAccessKey()))
        .build();

    NagSuppressions.addResourceSuppressions(user, List.of(NagPackSuppression.builder()
        .id("AwsSolutions-IAM5")
        .reason("DTS reads every published table under the prefix, whose keys are only known at run time; the"
            + " wildcard is the prefix itself, not the bucket.")
        .appliesTo(List.of(bucket.nagObjectsResource(BucketLayout.DATA_FILES_PATTERN)))
        .build()), true);
    NagSuppressions.addResourceSuppressions(secret, List.of(NagPackSuppression.builder()
        .id("AwsSolutions-SMG4")
        .reason("The value is an IAM access key made by this stack; Secrets Manager cannot rotate it by itself."
            + " Rotate it by raising bigquery.dtsReaderKeySerial and deploying (docs/deploy.md); the secret follows.")
        .build()));
  }

  public User user() {
    return user;
  }

  public Secret secret() {
    return secret;
  }
}
