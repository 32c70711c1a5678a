package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.AwsSecretSource;
import dev.rds2bq.localstack.LocalS3;
import dev.rds2bq.localstack.LocalSecretsManager;
import dev.rds2bq.metrics.TableMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * docs/deploy.md#the-dts-access-key: StartLoads reports the DTS key's age from its secret's last
 * change (DescribeSecret, never the value), which a replaced key resets; a store that cannot say is
 * no failure of the loads.
 */
class DtsKeyAgeTest {
  private static LocalSecretsManager server;

  @BeforeAll
  static void start() {
    server = LocalSecretsManager.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The figures reported, as the CloudWatch metric would get them. */
  private static final class Reported implements TableMetrics {
    final List<Double> ages = new ArrayList<>();

    @Override
    public void exported(String database, String table, long rows, long bytes, double seconds) {}

    @Override
    public void published(String database, String table, long rows) {}

    @Override
    public void loaded(String database, String table, double seconds) {}

    @Override
    public void runFinished(List<String> failedTables) {}

    @Override
    public void dtsKeyAge(double days) {
      ages.add(days);
    }
  }

  @Test
  void theKeysAgeIsTheTimeSinceItsSecretLastChangedAndAReplacedKeyResetsIt() throws Exception {
    AwsSecretSource secrets = new AwsSecretSource(SecretsManagerClient.builder().endpointOverride(server.endpoint())
        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder()).build());
    String name = "dts-" + UUID.randomUUID();
    server.create(name, "{\"accessKeyId\": \"AKIA1\", \"secretAccessKey\": \"s1\"}");
    Instant created = secrets.lastChanged(name);
    Reported metrics = new Reported();
    Clock ninetyOneDaysOn = Clock.offset(Clock.systemUTC(), Duration.ofDays(91));
    double age = DtsKeyAge.report(secrets, name, metrics, ninetyOneDaysOn);
    assertTrue(age > 90.9 && age < 91.1, "91 days after the key was made: " + age);
    assertEquals(List.of(age), metrics.ages);

    Thread.sleep(1100);
    server.put(name, "{\"accessKeyId\": \"AKIA2\", \"secretAccessKey\": \"s2\"}");
    assertTrue(secrets.lastChanged(name).isAfter(created), "a new key (a new version) moves the last change");

    assertNull(DtsKeyAge.report(secrets, "absent-" + UUID.randomUUID(), metrics, Clock.systemUTC()),
        "a secret that cannot be described reports nothing");
    assertEquals(1, metrics.ages.size(), "and fails nothing");
  }
}
