package dev.rds2bq.cdk;

import static dev.rds2bq.cdk.TemplateJson.assertJsonEquals;
import static dev.rds2bq.cdk.TemplateJson.getAtt;
import static dev.rds2bq.cdk.TemplateJson.statement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.cdk.config.FunctionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The options the default test config leaves off, in one more synth: a KMS-encrypted bucket,
 * verifySourceCount (PublishTable on the database path), the load functions in NAT subnets, existing
 * VPC endpoints, no replica rule, a disabled schedule and a function size override.
 */
class VariantStackTest {
  private static Rds2bqStack stack;
  private static Template template;
  private static TemplateJson t;

  @BeforeAll
  static void synth() throws IOException {
    String text = Files.readString(TestApps.resource("deploy/test.deploy.yaml"))
        .replace("stackName: rds2bq-test", "stackName: rds2bq-kms")
        .replace("  runRetentionDays: 90", "  encryption: kms\n  runRetentionDays: 90")
        .replace("  replicaSecurityGroupId: sg-0123456789abcdef0", """
              replicaSecurityGroupId: sg-0123456789abcdef0
              addReplicaIngressRule: false
              endpoints: {s3: false, secretsManager: false, stepFunctions: false, kms: false}
              endpointsSecurityGroupId: sg-0fedcba9876543210
              loadSubnets:
                - {id: subnet-0ccccccccccccccc3, availabilityZone: ap-northeast-1a, routeTableId: rtb-0ccccccccccccccc3}
            """.stripTrailing())
        .replace("  timeZone: Asia/Tokyo", "  timeZone: Asia/Tokyo\n  enabled: false")
        .replace("engine:\n", "functions:\n  ExportTable: {memoryMiB: 5307}\nengine:\n  publish: {verifySourceCount: true}\n");
    Path dir = TestApps.tempDir("variant");
    Files.writeString(dir.resolve("variant.deploy.yaml"), text);
    Files.copy(TestApps.resource("deploy/masking.yaml"), dir.resolve("masking.yaml"));
    Files.copy(TestApps.resource("deploy/test-bundle.pem"), dir.resolve("test-bundle.pem"));
    TestApps.Synth synth = TestApps.synth(dir.resolve("variant.deploy.yaml"), Map.of());
    stack = synth.stack();
    template = synth.template();
    t = new TemplateJson(stack, template);
  }

  @Test
  void aFunctionTimeoutBeyondItsTaskTimeoutFailsTheSynth() throws IOException {
    String text = Files.readString(TestApps.resource("deploy/test.deploy.yaml"))
        .replace("engine:\n", "functions:\n  SummarizeRun: {timeoutSeconds: 120}\nengine:\n");
    Path dir = TestApps.tempDir("too-long");
    Files.writeString(dir.resolve("d.deploy.yaml"), text);
    Files.copy(TestApps.resource("deploy/masking.yaml"), dir.resolve("masking.yaml"));
    Files.copy(TestApps.resource("deploy/test-bundle.pem"), dir.resolve("test-bundle.pem"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TestApps.synth(dir.resolve("d.deploy.yaml"), Map.of()));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("functions.SummarizeRun.timeoutSeconds is 120")
        && e.getMessage().contains("at most 60 s"), e.getMessage());
  }

  @Test
  void noFindingsInThisVariantEither() {
    assertEquals(List.of(), NagTest.findings(stack));
  }

  @Test
  void aKmsBucketUsesARotatedCustomerKeyWithBucketKeysThatConsumerAccountsMayUseThroughS3() {
    String key = t.logicalId(stack.exports().key());
    assertTrue(t.resource(key).path("Properties").path("EnableKeyRotation").asBoolean());
    assertJsonEquals(Map.of("ServerSideEncryptionConfiguration", List.of(Map.of("BucketKeyEnabled", true,
        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "aws:kms", "KMSMasterKeyID", getAtt(key, "Arn"))))),
        t.properties(stack.exports().bucket()).path("BucketEncryption"), "encryption");
    template.hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(
        Match.objectLike(Map.of("Sid", "ConsumerAccountsDecryptThroughS3", "Action", "kms:Decrypt",
            "Principal", Map.of("AWS", List.of("arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root")),
            "Condition", Map.of("StringEquals", Map.of("kms:ViaService", Map.of("Fn::Join", List.of("",
                List.of("s3.", TemplateJson.ref("AWS::Region"), ".amazonaws.com"))))))))))));
  }

  @Test
  void eachPrincipalGetsOnlyTheKeyActionsItsS3AccessNeeds() {
    String key = t.logicalId(stack.exports().key());
    Object readWrite = statement(null, List.of("kms:Decrypt", "kms:GenerateDataKey"), List.of(getAtt(key, "Arn")));
    Object read = statement(null, List.of("kms:Decrypt"), List.of(getAtt(key, "Arn")));
    // CheckLoads writes _state.json (what BigQuery took), so it encrypts too.
    for (FunctionSpec spec : List.of(FunctionSpec.PLAN_RUN, FunctionSpec.EXPORT_TABLE, FunctionSpec.PUBLISH_TABLE,
        FunctionSpec.CHECK_LOADS)) {
      assertTrue(keyStatements(t.roleStatements(t.logicalId(stack.function(spec).role()))).equals(
          List.of(TemplateJson.json(readWrite))), spec.functionName());
    }
    for (FunctionSpec spec : List.of(FunctionSpec.START_LOADS)) {
      assertTrue(keyStatements(t.roleStatements(t.logicalId(stack.function(spec).role()))).equals(
          List.of(TemplateJson.json(read))), spec.functionName());
    }
    assertEquals(List.of(TemplateJson.json(read)),
        keyStatements(t.userStatements(t.logicalId(stack.dtsReader().user()))), "DTS reader");
    assertEquals(List.of(), keyStatements(t.roleStatements(t.logicalId(stack.function(FunctionSpec.SUMMARIZE_RUN)
        .role()))), "SummarizeRun");
  }

  /** The statements on the bucket's key (PlanRun and ExportTable also use the range-bounds key). */
  private static List<JsonNode> keyStatements(Iterable<JsonNode> statements) {
    String bucketKey = t.logicalId(stack.exports().key());
    List<JsonNode> kms = new ArrayList<>();
    statements.forEach(s -> {
      if (s.path("Action").toString().contains("kms:") && s.path("Resource").toString().contains(bucketKey)) {
        kms.add(s);
      }
    });
    return kms;
  }

  @Test
  void verifySourceCountPutsPublishTableInTheVpcWithTheLoginAndCaBundle() {
    JsonNode publish = t.properties(stack.function(FunctionSpec.PUBLISH_TABLE).function());
    assertEquals(900, publish.path("Timeout").asInt());
    assertJsonEquals(List.of(getAtt(t.logicalId(stack.network().databaseGroup()), "GroupId")),
        publish.path("VpcConfig").path("SecurityGroupIds"), "security group");
    assertTrue(publish.path("Environment").path("Variables").has("RDS2BQ_CA_BUNDLE"));
    assertTrue(t.roleStatements(t.logicalId(stack.function(FunctionSpec.PUBLISH_TABLE).role())).toString()
        .contains("secret:rds2bq/replica-AbCdEf"));
  }

  @Test
  void loadSubnetsPutTheLoadFunctionsInTheVpcWithHttpsOutOnly() {
    for (FunctionSpec spec : List.of(FunctionSpec.START_LOADS)) {
      JsonNode vpc = t.properties(stack.function(spec).function()).path("VpcConfig");
      assertJsonEquals(Map.of("SubnetIds", List.of("subnet-0ccccccccccccccc3"),
          "SecurityGroupIds", List.of(getAtt(t.logicalId(stack.network().loadGroup()), "GroupId"))), vpc, spec.name());
    }
    assertJsonEquals(List.of(Map.of("CidrIp", "0.0.0.0/0", "Description", "HTTPS to googleapis.com and AWS APIs",
        "FromPort", 443, "IpProtocol", "tcp", "ToPort", 443)),
        t.properties(stack.network().loadGroup()).path("SecurityGroupEgress"), "load egress");
  }

  @Test
  void existingEndpointsAndNoReplicaRuleCreateNothingOutsideTheStacksOwnGroups() {
    template.resourceCountIs("AWS::EC2::VPCEndpoint", 0);
    template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
    // HTTPS from the replica's readers goes to S3's prefix list and the VPC's own endpoints' group, nowhere else.
    template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of(
        "GroupId", getAtt(t.logicalId(stack.network().databaseGroup()), "GroupId"),
        "DestinationPrefixListId", "pl-61a54008", "FromPort", 443, "ToPort", 443, "IpProtocol", "tcp"));
    template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of(
        "GroupId", getAtt(t.logicalId(stack.network().databaseGroup()), "GroupId"),
        "DestinationSecurityGroupId", "sg-0fedcba9876543210", "FromPort", 443, "ToPort", 443, "IpProtocol", "tcp"));
  }

  @Test
  void aDisabledScheduleAndASizeOverrideAreApplied() {
    assertEquals("DISABLED", t.properties(stack.schedule().schedule()).path("State").asText());
    assertEquals(5307, t.properties(stack.function(FunctionSpec.EXPORT_TABLE).function()).path("MemorySize").asInt());
  }
}
