package dev.rds2bq.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rds2bq.error.ConfigException;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.localstack.LocalSecretsManager;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Secrets read as in AWS: the SDK's client against the Secrets Manager stand-in, and the messages a person gets. */
class AwsSecretSourceTest {
  private static LocalSecretsManager server;

  @BeforeAll
  static void start() {
    server = LocalSecretsManager.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static AwsSecretSource source(String secretKey) {
    return new AwsSecretSource(SecretsManagerClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, secretKey)))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build());
  }

  @Test
  void aLoginAndAHashKeyAreReadByNameAndByArn() {
    String login = "db-" + UUID.randomUUID();
    String arn = server.create(login, "{\"host\":\"replica\",\"port\":3306,\"username\":\"u\",\"password\":\"p4ss\"}");
    AwsSecretSource secrets = source(LocalS3.SECRET_KEY);
    assertEquals("replica", DatabaseSecret.parse(login, secrets.secretString(login)).host());
    assertEquals("u", DatabaseSecret.parse(arn, secrets.secretString(arn)).username());

    String hash = "hash-" + UUID.randomUUID();
    server.create(hash, "{\"key\": \"0123456789abcdef0123456789abcdef\"}");
    assertArrayEquals("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
        HashKey.lazy(secrets, hash).get());
  }

  @Test
  void aMissingSecretNamesItAndSaysWhere() {
    String id = "absent-" + UUID.randomUUID();
    ConfigException e = assertThrows(ConfigException.class, () -> source(LocalS3.SECRET_KEY).secretString(id));
    assertEquals("secret '" + id + "' does not exist in this account and region", e.getMessage());
  }

  @Test
  void aRefusedReadSaysWhichPermissionAndNeverTheValue() {
    String id = "refused-" + UUID.randomUUID();
    server.create(id, "{\"password\":\"do-not-print\"}");
    ConfigException e = assertThrows(ConfigException.class, () -> source("a-wrong-secret-key").secretString(id));
    assertEquals("secret '" + id + "' cannot be read: grant secretsmanager:GetSecretValue (and kms:Decrypt on its key)"
        + " to this function's role", e.getMessage());
    assertFalse(e.getMessage().contains("do-not-print"));
  }
}
