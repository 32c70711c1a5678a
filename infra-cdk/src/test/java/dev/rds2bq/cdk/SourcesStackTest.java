package dev.rds2bq.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.cdk.config.DeployConfigException;
import dev.rds2bq.cdk.config.DeployConfigLoader;
import dev.rds2bq.cdk.config.Deployment;
import dev.rds2bq.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * A deployment of two sources, a MySQL and a PostgreSQL replica: each gets its own way in (its
 * security group and port, an inbound rule for the functions), the functions may read both logins
 * and nothing more, and the engine config names both under {@code sources}.
 */
class SourcesStackTest {
  private static final String APP_SECRET = "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:rds2bq/app-AbCdEf";
  private static final String LEDGER_SECRET =
      "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:rds2bq/ledger-ZyXwVu";
  private static final String SOURCES = """
      sources:
        app:
          secretArn: %s
          databases: [clinic, billing]
          caBundle: test-bundle.pem
          securityGroupId: sg-0aaaaaaaaaaaaaaa1
        ledger:
          engine: postgresql
          secretArn: %s
          database: ledger
          databases: [public]
          caBundle: test-bundle.pem
          securityGroupId: sg-0bbbbbbbbbbbbbbb2
      """.formatted(APP_SECRET, LEDGER_SECRET);
  private static Path dir;
  private static Template template;

  static String deployYaml() throws IOException {
    String text = Files.readString(TestApps.resource("deploy/test.deploy.yaml"));
    int from = text.indexOf("source:\n");
    int to = text.indexOf("network:\n");
    return text.substring(0, from).replace("stackName: rds2bq-test", "stackName: rds2bq-sources") + SOURCES
        + text.substring(to).replace("  replicaSecurityGroupId: sg-0123456789abcdef0\n", "");
  }

  @BeforeAll
  static void synth() throws IOException {
    dir = TestApps.tempDir("sources");
    Files.writeString(dir.resolve("sources.deploy.yaml"), deployYaml());
    Files.copy(TestApps.resource("deploy/masking.yaml"), dir.resolve("masking.yaml"));
    Files.copy(TestApps.resource("deploy/test-bundle.pem"), dir.resolve("test-bundle.pem"));
    template = TestApps.synth(dir.resolve("sources.deploy.yaml"), Map.of()).template();
  }

  @Test
  void eachSourceHasItsOwnWayIn() {
    template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of("GroupId", "sg-0aaaaaaaaaaaaaaa1",
        "FromPort", 3306, "ToPort", 3306, "IpProtocol", "tcp"));
    template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of("GroupId", "sg-0bbbbbbbbbbbbbbb2",
        "FromPort", 5432, "ToPort", 5432, "IpProtocol", "tcp"));
    template.resourcePropertiesCountIs("AWS::EC2::SecurityGroupIngress",
        Map.of("GroupId", "sg-0aaaaaaaaaaaaaaa1", "FromPort", 5432), 0);
    template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of(
        "DestinationSecurityGroupId", "sg-0aaaaaaaaaaaaaaa1", "FromPort", 3306, "ToPort", 3306));
    template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of(
        "DestinationSecurityGroupId", "sg-0bbbbbbbbbbbbbbb2", "FromPort", 5432, "ToPort", 5432));
    // The two sources' ports, HTTPS to S3's prefix list and to the stack's interface endpoints.
    template.resourceCountIs("AWS::EC2::SecurityGroupEgress", 4);
  }

  @Test
  void theFunctionsThatReadSourcesMayReadBothLogins() {
    template.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement",
        Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "ReadSourceLogin",
            "Resource", List.of(APP_SECRET, LEDGER_SECRET))))))));
  }

  @Test
  void theEngineConfigNamesBothSources() throws IOException {
    Deployment d = DeployConfigLoader.parse(dir.resolve("sources.deploy.yaml"), deployYaml());
    PipelineConfig engine = d.engine();
    assertEquals(List.of("app", "ledger"), engine.sourceList().stream().map(PipelineConfig.NamedSource::name).toList());
    assertEquals(PipelineConfig.Engine.POSTGRESQL, engine.namedSource("ledger").config().engine());
    assertEquals("ledger", engine.namedSource("ledger").config().database());
    assertEquals(List.of("public"), engine.namedSource("ledger").databases());
    assertEquals(List.of("clinic", "billing"), engine.namedSource("app").databases());
    assertEquals(LEDGER_SECRET, engine.namedSource("ledger").config().secretId());
    assertEquals("{source}__{database}__{table}", engine.bigquery().tableName());
    assertFalse(d.engineYaml().contains("\ndatabases:"), d.engineYaml());
  }

  @Test
  void aSourceWithoutItsSecurityGroupOrWithTheSingleSourcesKeysIsNamed() throws IOException {
    String noGroup = deployYaml().replace("    securityGroupId: sg-0bbbbbbbbbbbbbbb2\n", "");
    DeployConfigException e = assertThrows(DeployConfigException.class,
        () -> DeployConfigLoader.parse(dir.resolve("x.deploy.yaml"), noGroup));
    assertTrue(e.problems().stream().anyMatch(p -> p.contains("key 'sources.ledger.securityGroupId'")), e.problems()
        .toString());
    String both = deployYaml().replace("  subnets:", "  replicaSecurityGroupId: sg-0123456789abcdef0\n  subnets:");
    DeployConfigException b = assertThrows(DeployConfigException.class,
        () -> DeployConfigLoader.parse(dir.resolve("x.deploy.yaml"), both));
    assertTrue(b.problems().stream().anyMatch(p -> p.contains("key 'network.replicaSecurityGroupId' must be absent"
        + " with 'sources'")), b.problems().toString());
  }
}
