package dev.rds2bq.cdk.constructs;

import dev.rds2bq.cdk.config.DeployConfig;
import dev.rds2bq.cdk.config.Deployment;
import dev.rds2bq.contract.BucketLayout;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The export bucket and its access-log bucket.
 *
 * <ul>
 *   <li>Block Public Access on, TLS only, ACLs off (bucket owner enforced).</li>
 *   <li>Encryption: SSE-S3 by default. The data is masked before it is written, and its readers are
 *       other accounts and the DTS reader's access key: with SSE-S3 the bucket policy alone decides
 *       who reads, at no per-request KMS cost. {@code bucket.encryption: kms} adds a customer-managed
 *       key (rotated yearly, S3 Bucket Key on) whose key policy also lets the consumer accounts
 *       decrypt through S3, for teams that need key-level audit or revocation.</li>
 *   <li>Lifecycle: objects under the prefix expire after {@code runRetentionDays}, plans sooner, and
 *       incomplete multipart uploads are aborted after a day.</li>
 *   <li>Server access logs go to a second bucket (SSE-S3, the only encryption S3 logging accepts).</li>
 *   <li>Consumer accounts may list the prefix and read objects under it, except the plans.</li>
 * </ul>
 *
 * <p>Permissions of the functions are built from the bucket's literal name ({@link #objectsArn}), so
 * a policy names exactly {@code arn:aws:s3:::<bucket>/<prefix>/...}.
 */
public final class ExportBucket extends Construct {
  private final Bucket bucket;
  private final Bucket logBucket;
  private final Key key;
  private final String name;
  private final String prefix;
  private final BucketLayout layout;

  public ExportBucket(Construct scope, String id, Deployment deployment) {
    super(scope, id);
    DeployConfig.Bucket settings = deployment.config().bucket();
    this.name = deployment.bucketName();
    this.prefix = deployment.prefix();
    this.layout = new BucketLayout(prefix);

    this.logBucket = Bucket.Builder.create(this, "AccessLogs")
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .encryption(BucketEncryption.S3_MANAGED)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .lifecycleRules(List.of(LifecycleRule.builder()
            .id("expire-access-logs")
            .expiration(Duration.days(settings.accessLogRetentionDays()))
            .abortIncompleteMultipartUploadAfter(Duration.days(1))
            .build()))
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    NagSuppressions.addResourceSuppressions(logBucket, List.of(NagPackSuppression.builder()
        .id("AwsSolutions-S1")
        .reason("This is the target of the export bucket's server access logs; logging it into itself would loop and"
            + " into a third bucket would only move the question.")
        .build()));

    if (settings.encryption() == DeployConfig.Encryption.KMS) {
      this.key = Key.Builder.create(this, "Key")
          .description("rds2bq export bucket " + name)
          .enableKeyRotation(true)
          .removalPolicy(RemovalPolicy.RETAIN)
          .build();
    } else {
      this.key = null;
    }

    Bucket.Builder data = Bucket.Builder.create(this, "Bucket")
        .bucketName(name)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .serverAccessLogsBucket(logBucket)
        .serverAccessLogsPrefix(name + "/")
        .lifecycleRules(List.of(
            LifecycleRule.builder()
                .id("expire-runs")
                .prefix(layout.root())
                .expiration(Duration.days(settings.runRetentionDays()))
                .build(),
            LifecycleRule.builder()
                .id("expire-plans")
                .prefix(layout.plansFolder())
                .expiration(Duration.days(settings.planRetentionDays()))
                .build(),
            LifecycleRule.builder()
                .id("abort-incomplete-multipart-uploads")
                .abortIncompleteMultipartUploadAfter(Duration.days(1))
                .build()))
        .removalPolicy(RemovalPolicy.RETAIN);
    if (key != null) {
      data.encryption(BucketEncryption.KMS).encryptionKey(key).bucketKeyEnabled(true);
    } else {
      data.encryption(BucketEncryption.S3_MANAGED);
    }
    this.bucket = data.build();

    List<String> consumers = deployment.consumerAccounts();
    if (!consumers.isEmpty()) {
      List<IPrincipal> principals = consumers.stream().<IPrincipal>map(AccountPrincipal::new).toList();
      bucket.addToResourcePolicy(PolicyStatement.Builder.create()
          .sid("ConsumerAccountsList")
          .principals(principals)
          .actions(List.of("s3:ListBucket"))
          .resources(List.of(bucketArn()))
          .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(layout.root() + BucketLayout.ANY_OBJECT))))
          .build());
      bucket.addToResourcePolicy(PolicyStatement.Builder.create()
          .sid("ConsumerAccountsRead")
          .principals(principals)
          .actions(List.of("s3:GetObject"))
          .resources(List.of(objectsArn(BucketLayout.ANY_OBJECT)))
          .build());
      bucket.addToResourcePolicy(PolicyStatement.Builder.create()
          .sid("ConsumerAccountsNoPlans")
          .effect(Effect.DENY)
          .principals(principals)
          .actions(List.of("s3:GetObject"))
          .resources(List.of(objectsArn(BucketLayout.PLANS_PATTERN), objectsArn(BucketLayout.EXPORT_RESULTS_PATTERN)))
          .build());
      if (key != null) {
        key.addToResourcePolicy(PolicyStatement.Builder.create()
            .sid("ConsumerAccountsDecryptThroughS3")
            .principals(principals)
            .actions(List.of("kms:Decrypt"))
            .resources(List.of("*"))
            .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "s3." + Aws.REGION + ".amazonaws.com")))
            .build());
      }
    }
  }

  public Bucket bucket() {
    return bucket;
  }

  public Bucket logBucket() {
    return logBucket;
  }

  /** The bucket's customer-managed key, or null with SSE-S3. */
  public Key key() {
    return key;
  }

  public String prefix() {
    return prefix;
  }

  public String bucketArn() {
    return "arn:" + Aws.PARTITION + ":s3:::" + name;
  }

  /** {@code arn:<partition>:s3:::<bucket>/<prefix>/<pattern>}, with a pattern of {@link BucketLayout}. */
  public String objectsArn(String pattern) {
    return bucketArn() + "/" + layout.root() + pattern;
  }

  /** How cdk-nag prints {@link #objectsArn} in an IAM5 finding. */
  public String nagObjectsResource(String pattern) {
    return "Resource::arn:<AWS::Partition>:s3:::" + name + "/" + layout.root() + pattern;
  }

  /** {@code s3:ListBucket} on the bucket, limited to keys under the prefix, as statement {@code sid}. */
  public PolicyStatement listPrefix(String sid) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .actions(List.of("s3:ListBucket"))
        .resources(List.of(bucketArn()))
        .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(layout.root() + BucketLayout.ANY_OBJECT))))
        .build();
  }

  /**
   * The key permissions that go with reading ({@code kms:Decrypt}) or also writing
   * ({@code kms:GenerateDataKey}; multipart uploads decrypt too) on a KMS-encrypted bucket; null with
   * SSE-S3.
   */
  public PolicyStatement keyUse(boolean write) {
    if (key == null) {
      return null;
    }
    List<String> actions = write ? List.of("kms:Decrypt", "kms:GenerateDataKey") : List.of("kms:Decrypt");
    return PolicyStatement.Builder.create()
        .actions(actions)
        .resources(List.of(key.getKeyArn()))
        .build();
  }
}
