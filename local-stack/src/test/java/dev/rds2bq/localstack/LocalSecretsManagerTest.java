package dev.rds2bq.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/** The stand-in through the SDK's own client: versions, stages, ARNs, errors and signatures. */
class LocalSecretsManagerTest {
  private static final Instant T0 = Instant.parse("2026-11-26T03:00:00Z");
  private static LocalSecretsManager server;
  private static SecretsManagerClient client;

  @BeforeAll
  static void start() {
    server = LocalSecretsManager.start(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY, Clock.fixed(T0, ZoneOffset.UTC));
    client = client(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  private static SecretsManagerClient client(software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
    return SecretsManagerClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aNewValueBecomesCurrentAndTheOldOneStaysReadableByIdAndAsPrevious() {
    String name = unique("hash-key");
    String arn = server.create(name, "first-key");
    String first = server.versionId(name, LocalSecretsManager.CURRENT);
    GetSecretValueResponse current = client.getSecretValue(b -> b.secretId(name));
    assertEquals("first-key", current.secretString());
    assertEquals(first, current.versionId());
    assertEquals(List.of("AWSCURRENT"), current.versionStages());
    assertEquals(arn, current.arn());
    assertEquals(T0, current.createdDate());

    String second = server.put(name, "second-key");
    assertNotEquals(first, second);
    assertEquals("second-key", client.getSecretValue(b -> b.secretId(name)).secretString());
    assertEquals("first-key", client.getSecretValue(b -> b.secretId(name).versionId(first)).secretString());
    GetSecretValueResponse previous = client.getSecretValue(b -> b.secretId(name).versionStage("AWSPREVIOUS"));
    assertEquals(first, previous.versionId());
    assertEquals("second-key", client.getSecretValue(b -> b.secretId(arn).versionId(second)
        .versionStage("AWSCURRENT")).secretString(), "by full ARN, id and stage together");

    InvalidRequestException mismatch = assertThrows(InvalidRequestException.class,
        () -> client.getSecretValue(b -> b.secretId(name).versionId(first).versionStage("AWSCURRENT")));
    assertTrue(mismatch.getMessage().startsWith("You provided a VersionStage that is not associated to the provided"
        + " VersionId."), mismatch.getMessage());
    ResourceNotFoundException noVersion = assertThrows(ResourceNotFoundException.class,
        () -> client.getSecretValue(b -> b.secretId(name).versionId("no-such-version")));
    assertTrue(noVersion.getMessage().contains("for VersionId: no-such-version"), noVersion.getMessage());

    List<LocalSecretsManager.Read> reads = server.reads().stream().filter(r -> r.secretId().equals(name)).toList();
    assertEquals(new LocalSecretsManager.Read(name, first, null, first), reads.get(2));
    assertEquals(new LocalSecretsManager.Read(name, "no-such-version", null, null), reads.get(reads.size() - 1));
  }

  @Test
  void createPutDescribeAndMoveStagesThroughTheClient() {
    String name = unique("db-login");
    String arn = client.createSecret(b -> b.name(name).secretString("{\"username\":\"a\"}")
        .clientRequestToken("11111111-1111-1111-1111-111111111111")).arn();
    assertTrue(arn.startsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-"), arn);
    assertEquals("11111111-1111-1111-1111-111111111111", client.getSecretValue(b -> b.secretId(name)).versionId());
    String pending = client.putSecretValue(b -> b.secretId(arn).secretString("{\"username\":\"b\"}")
        .versionStages("AWSPENDING")).versionId();
    assertEquals("{\"username\":\"a\"}", client.getSecretValue(b -> b.secretId(name)).secretString(),
        "a pending version is not current");
    client.updateSecretVersionStage(b -> b.secretId(name).versionStage("AWSCURRENT").moveToVersionId(pending)
        .removeFromVersionId("11111111-1111-1111-1111-111111111111"));
    assertEquals("{\"username\":\"b\"}", client.getSecretValue(b -> b.secretId(name)).secretString());
    Map<String, List<String>> stages = client.describeSecret(b -> b.secretId(name)).versionIdsToStages();
    assertEquals(List.of("AWSPREVIOUS"), stages.get("11111111-1111-1111-1111-111111111111"));
    assertTrue(stages.get(pending).contains("AWSCURRENT"), stages.toString());
    // An ARN without the random suffix names the secret too.
    String partial = arn.substring(0, arn.length() - 7);
    assertEquals(pending, client.getSecretValue(b -> b.secretId(partial)).versionId());
  }

  @Test
  void aMissingSecretIsResourceNotFound() {
    ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
        () -> client.getSecretValue(b -> b.secretId(unique("absent"))));
    assertTrue(e.getMessage().startsWith("Secrets Manager can't find the specified secret."), e.getMessage());
    assertEquals(400, e.statusCode());
  }

  @Test
  void aRequestSignedWithAnotherKeyIsRefused() {
    String name = unique("signed");
    server.create(name, "value");
    try (SecretsManagerClient wrongSecret = client(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, "not-the-secret"));
        SecretsManagerClient otherKey = client(AwsBasicCredentials.create("AKIAOTHER", LocalS3.SECRET_KEY));
        SecretsManagerClient withToken = client(AwsSessionCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY,
            "session-token"))) {
      SecretsManagerException bad = assertThrows(SecretsManagerException.class,
          () -> wrongSecret.getSecretValue(b -> b.secretId(name)));
      assertEquals("InvalidSignatureException", bad.awsErrorDetails().errorCode());
      SecretsManagerException unknown = assertThrows(SecretsManagerException.class,
          () -> otherKey.getSecretValue(b -> b.secretId(name)));
      assertEquals("UnrecognizedClientException", unknown.awsErrorDetails().errorCode());
      assertEquals("value", withToken.getSecretValue(b -> b.secretId(name)).secretString(),
          "a Lambda role's session credentials sign as well");
    }
    assertEquals(1, server.reads().stream().filter(r -> r.secretId().equals(name)).count(),
        "refused requests never reach the secret");
  }
}
