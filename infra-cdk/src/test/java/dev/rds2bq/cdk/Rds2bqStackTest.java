package dev.rds2bq.cdk;

import static dev.rds2bq.cdk.TemplateJson.assertJsonEquals;
import static dev.rds2bq.cdk.TemplateJson.getAtt;
import static dev.rds2bq.cdk.TemplateJson.json;
import static dev.rds2bq.cdk.TemplateJson.partitionArn;
import static dev.rds2bq.cdk.TemplateJson.ref;
import static dev.rds2bq.cdk.TemplateJson.statement;
import static dev.rds2bq.cdk.TemplateJson.withCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rds2bq.cdk.config.FunctionSpec;
import dev.rds2bq.cdk.constructs.AslDefinition;
import dev.rds2bq.cdk.constructs.PipelineFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.s3.assets.Asset;

/**
 * Every property the stack promises, read from the template of src/test/resources/deploy/test.deploy.yaml
 * (synthesized once for all test classes).
 */
class Rds2bqStackTest {
  private static final String BUCKET = "rds2bq-test-exports";
  private static final String PREFIX = "exports/rds2bq";
  private static final String ACCOUNT = "111122223333";
  private static final String REGION = "ap-northeast-1";
  private static final String SOURCE_SECRET = "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:rds2bq/replica-AbCdEf";
  private static final String HASH_SECRET = "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:rds2bq/hash-key-GhIjKl";
  private static final String GOOGLE_SECRET = "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:rds2bq/google-MnOpQr";

  private static Rds2bqStack stack;
  private static Template template;
  private static TemplateJson t;

  @BeforeAll
  static void synth() {
    TestApps.Synth synth = TestApps.defaultStack();
    stack = synth.stack();
    template = synth.template();
    t = new TemplateJson(stack, template);
  }

  private static PipelineFunction fn(FunctionSpec spec) {
    return stack.function(spec);
  }

  private static Map<String, Object> objects(String pattern) {
    return partitionArn("s3:::" + BUCKET + "/" + PREFIX + "/" + pattern);
  }

  private static Map<String, Object> bucketArn() {
    return partitionArn("s3:::" + BUCKET);
  }

  private static Map<String, Object> assetArn(Asset asset) {
    String key = asset.getAssetHash() + asset.getAssetPath().substring(asset.getAssetPath().lastIndexOf('.'));
    return partitionArn("s3:::cdk-hnb659fds-assets-" + ACCOUNT + "-" + REGION + "/" + key);
  }

  private static String assetUrl(Asset asset) {
    String key = asset.getAssetHash() + asset.getAssetPath().substring(asset.getAssetPath().lastIndexOf('.'));
    return "s3://cdk-hnb659fds-assets-" + ACCOUNT + "-" + REGION + "/" + key;
  }

  private static Asset engineConfig() {
    return stack.configAssets().get(0);
  }

  private static Asset policyAsset() {
    return stack.configAssets().get(1);
  }

  private static Asset caAsset() {
    return stack.configAssets().get(2);
  }

  // ---- Lambda functions -------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(FunctionSpec.class)
  void eachFunctionRunsJava25OnArm64WithJsonLogsSnapStartAndItsOwnSizeAndRole(FunctionSpec spec) {
    PipelineFunction f = fn(spec);
    JsonNode p = t.properties(f.function());
    assertEquals("rds2bq-test-" + spec.functionName(), p.path("FunctionName").asText());
    assertEquals("java25", p.path("Runtime").asText());
    assertJsonEquals(List.of("arm64"), p.path("Architectures"), "architecture");
    assertEquals(spec.handler(), p.path("Handler").asText());
    assertEquals(spec.defaultMemoryMiB(), p.path("MemorySize").asInt(), "memory");
    assertEquals(spec.defaultTimeoutSeconds(), p.path("Timeout").asInt(), "timeout");
    assertJsonEquals(Map.of("ApplyOn", "PublishedVersions"), p.path("SnapStart"), "SnapStart");
    assertJsonEquals(Map.of("LogFormat", "JSON", "ApplicationLogLevel", "INFO", "SystemLogLevel", "INFO",
        "LogGroup", ref(t.logicalId(f.logGroup()))), p.path("LoggingConfig"), "logging");
    assertJsonEquals(getAtt(t.logicalId(f.role()), "Arn"), p.path("Role"), "role");
    String jarSuffix = spec.pkg() == FunctionSpec.Package.LOAD ? "load" : "functions";
    assertTrue(p.path("Code").path("S3Key").asText().endsWith(".jar"), jarSuffix + " jar");
  }

  @ParameterizedTest
  @EnumSource(FunctionSpec.class)
  void onlyExportTableHasReservedConcurrencyAndItIsTheSourceConnectionCap(FunctionSpec spec) {
    JsonNode reserved = t.properties(fn(spec).function()).path("ReservedConcurrentExecutions");
    if (spec == FunctionSpec.EXPORT_TABLE) {
      assertEquals(15, reserved.asInt(), "run.maxSourceConnections of test.deploy.yaml");
    } else {
      assertTrue(reserved.isMissingNode(), spec + " has no reserved concurrency: " + reserved);
    }
  }

  @Test
  void theThreePackagesAreTheExportJarTheControlJarAndTheLoadJar() {
    java.util.Map<FunctionSpec.Package, String> keys = new java.util.EnumMap<>(FunctionSpec.Package.class);
    keys.put(FunctionSpec.Package.FUNCTIONS, key(FunctionSpec.EXPORT_TABLE));
    keys.put(FunctionSpec.Package.CONTROL, key(FunctionSpec.PLAN_RUN));
    keys.put(FunctionSpec.Package.LOAD, key(FunctionSpec.START_LOADS));
    assertEquals(3, new java.util.HashSet<>(keys.values()).size(), "three different jars: " + keys);
    for (FunctionSpec spec : FunctionSpec.values()) {
      assertEquals(keys.get(spec.pkg()), key(spec), spec.functionName());
    }
    assertEquals(FunctionSpec.Package.FUNCTIONS, FunctionSpec.EXPORT_TABLE.pkg(), "only ExportTable carries Parquet's writer");
    assertEquals(FunctionSpec.Package.CONTROL, FunctionSpec.SUMMARIZE_RUN.pkg());
  }

  private String key(FunctionSpec spec) {
    return t.properties(fn(spec).function()).path("Code").path("S3Key").asText();
  }

  @ParameterizedTest
  @EnumSource(FunctionSpec.class)
  void eachFunctionGetsExactlyTheEnvironmentItsHandlerReads(FunctionSpec spec) {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("RDS2BQ_METRICS_NAMESPACE", "rds2bq");
    if (spec != FunctionSpec.EXPORT_TABLE) {
      expected.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
    }
    if (spec != FunctionSpec.SUMMARIZE_RUN) {
      expected.put("RDS2BQ_CONFIG", assetUrl(engineConfig()));
    }
    if (spec == FunctionSpec.PLAN_RUN || spec == FunctionSpec.EXPORT_TABLE) {
      expected.put("RDS2BQ_MASKING_POLICY", assetUrl(policyAsset()));
      expected.put("RDS2BQ_CA_BUNDLE", assetUrl(caAsset()));
    }
    JsonNode actual = t.properties(fn(spec).function()).path("Environment").path("Variables");
    assertJsonEquals(expected, actual, spec.functionName());
  }

  @ParameterizedTest
  @EnumSource(FunctionSpec.class)
  void onlyTheDatabaseFunctionsRunInTheReplicasSubnetsAndWaitForTheEndpoints(FunctionSpec spec) {
    JsonNode f = t.resource(t.logicalId(fn(spec).function()));
    JsonNode vpc = f.path("Properties").path("VpcConfig");
    if (spec.needsDatabase()) {
      assertJsonEquals(Map.of(
          "SecurityGroupIds", List.of(getAtt(t.logicalId(stack.network().databaseGroup()), "GroupId")),
          "SubnetIds", List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2")), vpc, "VpcConfig");
      Set<String> dependsOn = new TreeSet<>();
      f.path("DependsOn").forEach(d -> dependsOn.add(d.asText()));
      for (String endpoint : t.idsOfType("AWS::EC2::VPCEndpoint")) {
        assertTrue(dependsOn.contains(endpoint), spec + " must wait for " + endpoint + ": " + dependsOn);
      }
      assertTrue(dependsOn.containsAll(t.idsOfType("AWS::EC2::SecurityGroupIngress")), dependsOn::toString);
    } else {
      assertTrue(vpc.isMissingNode(), spec + " runs outside the VPC");
    }
  }

  @ParameterizedTest
  @EnumSource(FunctionSpec.class)
  void eachFunctionIsInvokedThroughTheLiveAliasOfItsCurrentVersion(FunctionSpec spec) {
    PipelineFunction f = fn(spec);
    JsonNode alias = t.properties(f.alias());
    assertEquals("live", alias.path("Name").asText());
    assertJsonEquals(ref(t.logicalId(f.function())), alias.path("FunctionName"), "alias function");
    String versionId = alias.path("FunctionVersion").path("Fn::GetAtt").path(0).asText();
    JsonNode version = t.resource(versionId);
    assertEquals("AWS::Lambda::Version", version.path("Type").asText());
    assertJsonEquals(ref(t.logicalId(f.function())), version.path("Properties").path("FunctionName"), "version");
  }

  @ParameterizedTest
  @EnumSource(FunctionSpec.class)
  void eachFunctionHasItsOwnLogGroupWithRetention(FunctionSpec spec) {
    JsonNode logs = t.properties(fn(spec).logGroup());
    assertEquals("/aws/lambda/rds2bq-test-" + spec.functionName(), logs.path("LogGroupName").asText());
    assertEquals(30, logs.path("RetentionInDays").asInt());
  }

  // ---- IAM: one role per function, exact statements -----------------------------------------------

  private static ArrayNode statementsOf(FunctionSpec spec) {
    return t.roleStatements(t.logicalId(fn(spec).role()));
  }

  private static List<Object> commonStatements(FunctionSpec spec, List<Asset> assets) {
    List<Object> expected = new ArrayList<>();
    expected.add(statement("OwnLogGroup", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
        List.of(getAtt(t.logicalId(fn(spec).logGroup()), "Arn"))));
    if (spec.needsDatabase()) {
      expected.add(statement("VpcNetworkInterfaces", List.of("ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"), List.of("*")));
    }
    if (!assets.isEmpty()) {
      expected.add(statement("ReadDeployedConfig", List.of("s3:GetObject"),
          assets.stream().map(Rds2bqStackTest::assetArn).toList()));
    }
    return expected;
  }

  @Test
  void planRunMayReadItsLoginWriteLargePlansAndListItsStateMachinesExecutions() {
    List<Object> expected = commonStatements(FunctionSpec.PLAN_RUN, stack.configAssets());
    expected.add(statement("ReadSourceLogin", List.of("secretsmanager:GetSecretValue"), List.of(SOURCE_SECRET)));
    // The hash key's versions, to pin one per run: DescribeSecret, never the key's value.
    expected.add(statement("PinHashKeyVersion", List.of("secretsmanager:DescribeSecret"), List.of(HASH_SECRET)));
    // Sealing masked key bounds: a data key from the stack's key, never a decrypt.
    expected.add(statement("SealMaskedKeyBounds", List.of("kms:GenerateDataKey"),
        List.of(getAtt(t.logicalId(stack.boundsKey()), "Arn"))));
    expected.add(statement("WriteLargePlans", List.of("s3:PutObject"), List.of(objects("_plans/*"))));
    // A re-run (runId in the input) lists the table's attempts: without this every re-run failed with 403.
    expected.add(withCondition(statement("ListAttempts", List.of("s3:ListBucket"), List.of(bucketArn())),
        Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "/*")))));
    expected.add(statement("ReadTableStates", List.of("s3:GetObject"), List.of(objects("*/_state.json"))));
    expected.add(statement("OneRunAtATime", List.of("states:ListExecutions"), List.of(Map.of("Fn::Join", List.of("",
        List.of("arn:", ref("AWS::Partition"), ":states:", ref("AWS::Region"), ":", ref("AWS::AccountId"),
            ":stateMachine:rds2bq-test-pipeline"))))));
    assertJsonEquals(expected, statementsOf(FunctionSpec.PLAN_RUN), "PlanRun's statements");
  }

  @Test
  void exportTableMayWriteAndAbortUploadsUnderThePrefixAndReadExactlyItsTwoSecrets() {
    List<Object> expected = commonStatements(FunctionSpec.EXPORT_TABLE, stack.configAssets());
    expected.add(statement("ReadSourceLoginAndHashKey", List.of("secretsmanager:GetSecretValue"),
        List.of(SOURCE_SECRET, HASH_SECRET)));
    expected.add(statement("WriteParquet", List.of("s3:PutObject", "s3:AbortMultipartUpload"), List.of(objects("*"))));
    expected.add(statement("ReadLargePlans", List.of("s3:GetObject"), List.of(objects("_plans/*"))));
    // Resuming a range, counting its waits, refusing a published attempt: reads of those keys only.
    expected.add(statement("ReadResultsAndPublishedMarks", List.of("s3:GetObject"),
        List.of(objects("*/_exports/*"), objects("*/_SUCCESS"))));
    expected.add(withCondition(statement("ListUnderPrefix", List.of("s3:ListBucket"), List.of(bucketArn())),
        Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "/*")))));
    ObjectNode neverPublish = statement("NeverPublish", List.of("s3:PutObject"), List.of(objects("*/_manifest.json"),
        objects("*/_SUCCESS"), objects("*/_latest.json")));
    neverPublish.put("Effect", "Deny");
    expected.add(neverPublish);
    expected.add(statement("OpenMaskedKeyBounds", List.of("kms:Decrypt"),
        List.of(getAtt(t.logicalId(stack.boundsKey()), "Arn"))));
    assertJsonEquals(expected, statementsOf(FunctionSpec.EXPORT_TABLE), "ExportTable's statements");
  }

  @Test
  void publishTableMayReadWriteDeleteAndListUnderThePrefixOnly() {
    List<Object> expected = commonStatements(FunctionSpec.PUBLISH_TABLE, List.of(engineConfig()));
    expected.add(statement("PublishUnderPrefix", List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
        List.of(objects("*"))));
    expected.add(withCondition(statement("ListUnderPrefix", List.of("s3:ListBucket"), List.of(bucketArn())),
        Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "/*")))));
    assertJsonEquals(expected, statementsOf(FunctionSpec.PUBLISH_TABLE), "PublishTable's statements");
  }

  @Test
  void startLoadsMayReadTheGoogleCredentialsTheDtsKeyAndItsAgeTheManifestsThePointersAndTheStates() {
    FunctionSpec spec = FunctionSpec.START_LOADS;
    List<Object> expected = commonStatements(spec, List.of(engineConfig()));
    expected.add(statement("ReadGoogleCredentialsAndDtsKey", List.of("secretsmanager:GetSecretValue"),
        List.of(GOOGLE_SECRET, ref(t.logicalId(stack.dtsReader().secret())))));
    expected.add(statement("DtsKeyAge", List.of("secretsmanager:DescribeSecret"),
        List.of(ref(t.logicalId(stack.dtsReader().secret())))));
    // A change set is merged only when BigQuery has not taken a later one (_state.json's loaded mark).
    expected.add(statement("ReadManifestsPointersAndStates", List.of("s3:GetObject"),
        List.of(objects("*/_manifest.json"), objects("*/_latest.json"), objects("*/_state.json"))));
    expected.add(withCondition(statement("ListUnderPrefix", List.of("s3:ListBucket"), List.of(bucketArn())),
        Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "/*")))));
    assertJsonEquals(expected, statementsOf(spec), "StartLoads' statements");
    assertEquals("rds2bq-test-StartLoads", t.properties(fn(spec).role()).path("RoleName").asText(),
        "a fixed role name, for WIF");
  }

  @Test
  void checkLoadsMayReadTheGoogleCredentialsAndTheManifestsAndRecordTheLoadedStateButNotReadTheDtsKey() {
    FunctionSpec spec = FunctionSpec.CHECK_LOADS;
    List<Object> expected = commonStatements(spec, List.of(engineConfig()));
    expected.add(statement("ReadGoogleCredentials", List.of("secretsmanager:GetSecretValue"), List.of(GOOGLE_SECRET)));
    expected.add(statement("ReadManifests", List.of("s3:GetObject"), List.of(objects("*/_manifest.json"))));
    // After a checked load or merge, CheckLoads moves _state.json's loaded mark: a conditional write,
    // which first lists the key (a missing key reads as 404 only to a reader that may list).
    expected.add(statement("RecordLoadedState", List.of("s3:GetObject", "s3:PutObject"),
        List.of(objects("*/_state.json"))));
    expected.add(withCondition(statement("ListUnderPrefix", List.of("s3:ListBucket"), List.of(bucketArn())),
        Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "/*")))));
    assertJsonEquals(expected, statementsOf(spec), "CheckLoads' statements");
    assertEquals("rds2bq-test-CheckLoads", t.properties(fn(spec).role()).path("RoleName").asText(),
        "a fixed role name, for WIF");
  }

  @Test
  void summarizeRunMayOnlyWriteItsLogs() {
    assertJsonEquals(commonStatements(FunctionSpec.SUMMARIZE_RUN, List.of()), statementsOf(FunctionSpec.SUMMARIZE_RUN),
        "SummarizeRun's statements");
  }

  @Test
  void noRoleHasManagedPoliciesAndEachFunctionRoleTrustsOnlyLambda() {
    for (String id : t.idsOfType("AWS::IAM::Role")) {
      assertTrue(t.resource(id).path("Properties").path("ManagedPolicyArns").isMissingNode(), id);
    }
    for (FunctionSpec spec : FunctionSpec.values()) {
      assertJsonEquals(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of("Action", "sts:AssumeRole",
          "Effect", "Allow", "Principal", Map.of("Service", "lambda.amazonaws.com")))),
          t.properties(fn(spec).role()).path("AssumeRolePolicyDocument"), spec.functionName());
    }
  }

  @Test
  void theDtsReaderIsAUserThatMayOnlyListAndReadThePrefixWithItsKeyInANamedSecret() {
    String user = t.logicalId(stack.dtsReader().user());
    assertJsonEquals(List.of(
        statement("ReadPublishedObjects", List.of("s3:GetObject"), List.of(objects("*.parquet"))),
        withCondition(statement("ListPrefix", List.of("s3:ListBucket"), List.of(bucketArn())),
            Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "/*")))),
        statement("BucketLocation", List.of("s3:GetBucketLocation"), List.of(bucketArn()))),
        t.userStatements(user), "DTS reader's statements");
    template.hasResourceProperties("AWS::IAM::AccessKey", Map.of("UserName", ref(user), "Serial", 1));
    JsonNode secret = t.properties(stack.dtsReader().secret());
    assertEquals("rds2bq-test/dts-s3-reader", secret.path("Name").asText());
    String value = secret.path("SecretString").toString();
    assertTrue(value.contains("accessKeyId") && value.contains("secretAccessKey") && value.contains("SecretAccessKey"),
        value);
    assertEquals(1, t.idsOfType("AWS::IAM::User").size());
  }

  // ---- S3 ----------------------------------------------------------------------------------------

  @Test
  void theBucketBlocksPublicAccessUsesSseS3AndLogsAccess() {
    JsonNode b = t.properties(stack.exports().bucket());
    assertEquals(BUCKET, b.path("BucketName").asText());
    assertJsonEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
        "RestrictPublicBuckets", true), b.path("PublicAccessBlockConfiguration"), "BPA");
    assertJsonEquals(Map.of("ServerSideEncryptionConfiguration", List.of(Map.of("ServerSideEncryptionByDefault",
        Map.of("SSEAlgorithm", "AES256")))), b.path("BucketEncryption"), "encryption");
    assertJsonEquals(Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))),
        b.path("OwnershipControls"), "ownership");
    assertJsonEquals(Map.of("DestinationBucketName", ref(t.logicalId(stack.exports().logBucket())),
        "LogFilePrefix", BUCKET + "/"), b.path("LoggingConfiguration"), "access logs");
    assertEquals("Retain", t.resource(t.logicalId(stack.exports().bucket())).path("DeletionPolicy").asText());
  }

  @Test
  void lifecycleExpiresOldRunsAndPlansAndAbortsIncompleteUploads() {
    assertJsonEquals(Map.of("Rules", List.of(
        Map.of("Id", "expire-runs", "Prefix", PREFIX + "/", "ExpirationInDays", 90, "Status", "Enabled"),
        Map.of("Id", "expire-plans", "Prefix", PREFIX + "/_plans/", "ExpirationInDays", 14, "Status", "Enabled"),
        Map.of("Id", "abort-incomplete-multipart-uploads", "AbortIncompleteMultipartUpload",
            Map.of("DaysAfterInitiation", 1), "Status", "Enabled"))),
        t.properties(stack.exports().bucket()).path("LifecycleConfiguration"), "lifecycle");
  }

  @Test
  void theBucketPolicyDeniesPlainHttpAndLetsTheConsumerAccountsReadThePrefixButNotThePlans() {
    String bucket = t.logicalId(stack.exports().bucket());
    List<Object> consumers = List.of("arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root");
    Map<String, Object> httpDeny = Map.of("Action", "s3:*", "Effect", "Deny", "Principal", Map.of("AWS", "*"),
        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")),
        "Resource", List.of(getAtt(bucket, "Arn"), Map.of("Fn::Join", List.of("", List.of(getAtt(bucket, "Arn"), "/*")))));
    List<Object> expected = List.of(httpDeny,
        withCondition(statement("ConsumerAccountsList", List.of("s3:ListBucket"), List.of(bucketArn())),
            Map.of("StringLike", Map.of("s3:prefix", List.of(PREFIX + "/*")))).set("Principal", json(Map.of("AWS", consumers))),
        statement("ConsumerAccountsRead", List.of("s3:GetObject"), List.of(objects("*")))
            .set("Principal", json(Map.of("AWS", consumers))),
        statement("ConsumerAccountsNoPlans", List.of("s3:GetObject"), List.of(objects("_plans/*"), objects("*/_exports/*")))
            .put("Effect", "Deny").set("Principal", json(Map.of("AWS", consumers))));
    JsonNode policy = t.resource(t.idsOfType("AWS::S3::BucketPolicy").stream()
        .filter(id -> t.resource(id).path("Properties").path("Bucket").equals(json(ref(bucket)))).findFirst().orElseThrow());
    JsonNode actual = policy.path("Properties").path("PolicyDocument").path("Statement");
    assertJsonEquals(expected, actual, "bucket policy");
  }

  @Test
  void theAccessLogBucketIsPrivateEncryptedAndWritableOnlyByS3LoggingForThisBucket() {
    JsonNode logs = t.properties(stack.exports().logBucket());
    assertJsonEquals(Map.of("ServerSideEncryptionConfiguration", List.of(Map.of("ServerSideEncryptionByDefault",
        Map.of("SSEAlgorithm", "AES256")))), logs.path("BucketEncryption"), "encryption");
    assertTrue(logs.path("PublicAccessBlockConfiguration").path("RestrictPublicBuckets").asBoolean());
    assertEquals(365, logs.path("LifecycleConfiguration").path("Rules").path(0).path("ExpirationInDays").asInt());
    template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
        "Bucket", ref(t.logicalId(stack.exports().logBucket())),
        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Action", "s3:PutObject",
            "Effect", "Allow",
            "Principal", Map.of("Service", "logging.s3.amazonaws.com"),
            "Condition", Map.of("ArnLike", Map.of("aws:SourceArn", getAtt(t.logicalId(stack.exports().bucket()), "Arn")),
                "StringEquals", Map.of("aws:SourceAccount", ACCOUNT)))))))));
  }

  // ---- Network -----------------------------------------------------------------------------------

  @Test
  void theDatabaseFunctionsGroupReachesOnlyTheReplicaPortS3AndTheEndpoints() {
    JsonNode group = t.properties(stack.network().databaseGroup());
    // No 0.0.0.0/0: HTTPS to S3's managed prefix list and to the endpoints' group, each a rule of its own.
    assertTrue(group.path("SecurityGroupEgress").isMissingNode(), "no inline rule: " + group);
    assertFalse(t.resources().toString().contains("0.0.0.0/0"), "no rule of the stack opens every address");
    String groupId = t.logicalId(stack.network().databaseGroup());
    template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of("GroupId", getAtt(groupId, "GroupId"),
        "DestinationPrefixListId", "pl-61a54008", "FromPort", 443, "ToPort", 443, "IpProtocol", "tcp",
        "Description", "HTTPS to S3 (its managed prefix list)"));
    template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of("GroupId", getAtt(groupId, "GroupId"),
        "DestinationSecurityGroupId", Match.anyValue(), "FromPort", 443, "ToPort", 443, "IpProtocol", "tcp",
        "Description", "HTTPS to the rds2bq interface endpoints"));
    template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of("GroupId", getAtt(groupId, "GroupId"),
        "DestinationSecurityGroupId", "sg-0123456789abcdef0", "FromPort", 3306, "ToPort", 3306, "IpProtocol", "tcp"));
    template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of("GroupId", "sg-0123456789abcdef0",
        "SourceSecurityGroupId", getAtt(groupId, "GroupId"), "FromPort", 3306, "ToPort", 3306, "IpProtocol", "tcp"));
  }

  @Test
  void s3IsReachedThroughAGatewayEndpointAndSecretsManagerStepFunctionsAndKmsThroughInterfaceEndpoints() {
    template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
        "VpcId", "vpc-0123456789abcdef0", "RouteTableIds", List.of("rtb-0aaaaaaaaaaaaaaa1", "rtb-0bbbbbbbbbbbbbbb2"),
        "ServiceName", Map.of("Fn::Join", List.of("", List.of("com.amazonaws.", ref("AWS::Region"), ".s3")))));
    for (String service : List.of("secretsmanager", "states", "kms")) {
      template.hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface",
          "ServiceName", "com.amazonaws.ap-northeast-1." + service, "PrivateDnsEnabled", true,
          "SubnetIds", List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2")));
    }
    template.resourceCountIs("AWS::EC2::VPCEndpoint", 4);
    template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of("FromPort", 443, "ToPort", 443,
        "SourceSecurityGroupId", getAtt(t.logicalId(stack.network().databaseGroup()), "GroupId")));
  }

  // ---- State machine, schedule, alarms, dashboard ------------------------------------------------

  @Test
  void theStateMachineIsTheRepositoryDefinitionWithAliasSubstitutionsFullLoggingAndTracing() {
    JsonNode sm = t.properties(stack.pipeline().stateMachine());
    assertEquals("rds2bq-test-pipeline", sm.path("StateMachineName").asText());
    AslDefinition definition = AslDefinition.read(TestApps.asl(), 10 * 3600);
    assertEquals(definition.text(), sm.path("DefinitionString").asText());
    assertTrue(definition.text().contains("\"TimeoutSeconds\" : 36000"), "run.executionTimeoutHours: 10");
    Map<String, Object> substitutions = new LinkedHashMap<>();
    for (FunctionSpec spec : FunctionSpec.values()) {
      substitutions.put(spec.substitutionKey(), ref(t.logicalId(fn(spec).alias())));
    }
    assertJsonEquals(substitutions, sm.path("DefinitionSubstitutions"), "substitutions");
    assertJsonEquals(Map.of("Level", "ALL", "IncludeExecutionData", false, "Destinations", List.of(Map.of(
        "CloudWatchLogsLogGroup", Map.of("LogGroupArn", getAtt(t.logicalId(stack.pipeline().logGroup()), "Arn"))))),
        sm.path("LoggingConfiguration"), "logging");
    assertJsonEquals(Map.of("Enabled", true), sm.path("TracingConfiguration"), "X-Ray");
    assertEquals("/aws/vendedlogs/states/rds2bq-test-pipeline",
        t.properties(stack.pipeline().logGroup()).path("LogGroupName").asText());
  }

  @Test
  void theStateMachineMayInvokeExactlyTheAliasesItsDefinitionNames() {
    AslDefinition definition = AslDefinition.read(TestApps.asl(), 3600);
    String role = t.resource(t.logicalId(stack.pipeline().stateMachine())).path("Properties").path("RoleArn")
        .path("Fn::GetAtt").path(0).asText();
    List<JsonNode> invoke = new ArrayList<>();
    for (JsonNode s : t.roleStatements(role)) {
      if (s.path("Action").toString().contains("lambda:")) {
        invoke.add(s);
      }
    }
    List<Object> aliases = new ArrayList<>();
    for (FunctionSpec spec : FunctionSpec.values()) {
      if (definition.invoked().contains(spec)) {
        aliases.add(ref(t.logicalId(fn(spec).alias())));
      }
    }
    assertJsonEquals(List.of(statement("InvokeLiveAliases", List.of("lambda:InvokeFunction"), aliases)),
        json(invoke), "invoke statements");
  }

  @Test
  void theScheduleStartsAnExecutionWithAFixedInputAtTheCronInItsTimeZone() {
    JsonNode schedule = t.properties(stack.schedule().schedule());
    assertEquals("cron(0 3 * * ? *)", schedule.path("ScheduleExpression").asText());
    assertEquals("Asia/Tokyo", schedule.path("ScheduleExpressionTimezone").asText());
    assertEquals("ENABLED", schedule.path("State").asText());
    JsonNode target = schedule.path("Target");
    assertJsonEquals(ref(t.logicalId(stack.pipeline().stateMachine())), target.path("Arn"), "target");
    assertEquals("{}", target.path("Input").asText());
    assertJsonEquals(Map.of("MaximumEventAgeInSeconds", 3600, "MaximumRetryAttempts", 2), target.path("RetryPolicy"),
        "retries");
    String role = target.path("RoleArn").path("Fn::GetAtt").path(0).asText();
    assertJsonEquals(List.of(Map.of("Action", "states:StartExecution", "Effect", "Allow",
        "Resource", ref(t.logicalId(stack.pipeline().stateMachine())))), t.roleStatements(role), "scheduler role");
  }

  @Test
  void anAlarmOnFailedOrTimedOutExecutionsNotifiesTheTopic() {
    JsonNode alarm = t.properties(stack.monitoring().failedRuns());
    assertEquals("rds2bq-test-failed-runs", alarm.path("AlarmName").asText());
    assertJsonEquals(List.of(ref(t.logicalId(stack.monitoring().topic()))), alarm.path("AlarmActions"), "actions");
    assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText());
    assertEquals(1, alarm.path("Threshold").asInt());
    assertEquals("notBreaching", alarm.path("TreatMissingData").asText());
    Set<String> metrics = new TreeSet<>();
    alarm.path("Metrics").forEach(m -> {
      if (m.has("Expression")) {
        assertEquals("FILL(failed, 0) + FILL(timedOut, 0)", m.path("Expression").asText());
      } else {
        metrics.add(m.path("MetricStat").path("Metric").path("MetricName").asText());
        assertEquals("AWS/States", m.path("MetricStat").path("Metric").path("Namespace").asText());
        assertJsonEquals(List.of(Map.of("Name", "StateMachineArn", "Value",
            ref(t.logicalId(stack.pipeline().stateMachine())))), m.path("MetricStat").path("Metric").path("Dimensions"),
            "dimensions");
      }
    });
    assertEquals(Set.of("ExecutionsFailed", "ExecutionsTimedOut"), metrics);

    JsonNode tables = t.properties(stack.monitoring().failedTables());
    assertEquals("rds2bq", tables.path("Namespace").asText());
    assertEquals("FailedTables", tables.path("MetricName").asText());
    assertJsonEquals(List.of(ref(t.logicalId(stack.monitoring().topic()))), tables.path("AlarmActions"), "actions");

    // The DTS reader's access key: StartLoads reports its age at every run; 90 days by default.
    JsonNode keyAge = t.properties(stack.monitoring().dtsKeyAge());
    assertEquals("rds2bq-test-dts-key-age", keyAge.path("AlarmName").asText());
    assertEquals("rds2bq", keyAge.path("Namespace").asText());
    assertEquals("DtsAccessKeyAgeDays", keyAge.path("MetricName").asText());
    assertEquals("Maximum", keyAge.path("Statistic").asText());
    assertEquals(90, keyAge.path("Threshold").asInt());
    assertEquals("GreaterThanOrEqualToThreshold", keyAge.path("ComparisonOperator").asText());
    assertJsonEquals(List.of(ref(t.logicalId(stack.monitoring().topic()))), keyAge.path("AlarmActions"), "actions");
  }

  @Test
  void theTopicIsEncryptedTlsOnlyPublishableByCloudWatchAndMailsTheConfiguredAddress() {
    JsonNode topic = t.properties(stack.monitoring().topic());
    assertEquals("rds2bq-test-alarms", topic.path("TopicName").asText());
    String key = topic.path("KmsMasterKeyId").path("Fn::GetAtt").path(0).asText();
    assertTrue(t.resource(key).path("Properties").path("EnableKeyRotation").asBoolean());
    template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of("Statement", List.of(
        Map.of("Sid", "AllowPublishThroughSSLOnly", "Effect", "Deny", "Action", "sns:Publish", "Principal", "*",
            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")),
            "Resource", ref(t.logicalId(stack.monitoring().topic()))),
        Map.of("Sid", "CloudWatchAlarmsPublish", "Effect", "Allow", "Action", "sns:Publish",
            "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
            "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", ref("AWS::AccountId"))),
            "Resource", ref(t.logicalId(stack.monitoring().topic())))))));
    template.hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(
        Map.of("Sid", "CloudWatchAlarmsPublishEncrypted", "Effect", "Allow", "Action", List.of("kms:Decrypt",
            "kms:GenerateDataKey"), "Principal", Map.of("Service", "cloudwatch.amazonaws.com"), "Resource", "*",
            "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", ref("AWS::AccountId")))))))));
    template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email",
        "Endpoint", "ops@example.com", "TopicArn", ref(t.logicalId(stack.monitoring().topic()))));
  }

  @Test
  void theDashboardShowsLastRunsPerTableRowsDurationsAndFailures() {
    String body = t.properties(stack.monitoring().dashboard()).path("DashboardBody").toString();
    for (String metric : PipelineMetrics.PER_TABLE) {
      assertTrue(body.contains("{rds2bq,Database,Table} MetricName=\\\\\\\"" + metric), metric + " in " + body);
    }
    assertTrue(body.contains("ExecutionsFailed") && body.contains("ExecutionsTimedOut")
        && body.contains("ExecutionsSucceeded") && body.contains("ExecutionTime"), body);
    assertTrue(body.contains("ExecutionSucceeded") && body.contains(t.logicalId(stack.pipeline().logGroup())),
        "the last-runs query over the state machine log: " + body);
    assertEquals("rds2bq-test", t.properties(stack.monitoring().dashboard()).path("DashboardName").asText());
  }

  // ---- Engine config -----------------------------------------------------------------------------

  @Test
  void theEngineConfigAssetIsTheGeneratedYamlAndTheFunctionsFindItByEnvironment() throws Exception {
    String yaml = Files.readString(Path.of(engineConfig().getAssetPath()));
    assertTrue(yaml.contains("bucket: rds2bq-test-exports") && yaml.contains("prefix: exports/rds2bq"), yaml);
    assertTrue(yaml.contains("s3AccessKeySecretId: rds2bq-test/dts-s3-reader"), yaml);
    assertTrue(yaml.contains("tableConcurrency: 3") && yaml.contains("rangeConcurrency: 5"), yaml);
    assertTrue(yaml.contains("hashKeySecretId: " + HASH_SECRET), yaml);
    JsonNode outputs = TemplateJson.JSON.valueToTree(template.toJSON()).path("Outputs");
    assertEquals(assetUrl(engineConfig()), outputs.path("EngineConfigUrl").path("Value").asText());
    for (String output : List.of("BucketName", "StateMachineArn", "DtsReaderSecretArn", "StartLoadsRoleArn",
        "CheckLoadsRoleArn", "AlarmTopicArn", "DashboardName", "DatabaseFunctionsSecurityGroupId")) {
      assertFalse(outputs.path(output).isMissingNode(), output);
    }
  }
}
