package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.AwsCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.rds2bq.error.ConfigException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Both secret forms parse without touching the network; wrong ones fail without echoing the secret. */
class GoogleSecretCredentialsTest {

  private static String resource(String name) throws Exception {
    try (InputStream in = GoogleSecretCredentialsTest.class.getResourceAsStream("/credentials/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A service-account key file with a key made here, as Google's console would download it. */
  static String serviceAccountKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    ObjectNode key = LoadTestbed.JSON.createObjectNode();
    key.put("type", "service_account");
    key.put("project_id", "acme-analytics");
    key.put("private_key_id", "0123456789abcdef0123456789abcdef01234567");
    key.put("private_key", pem);
    key.put("client_email", "rds2bq-loader@acme-analytics.iam.gserviceaccount.com");
    key.put("client_id", "123456789012345678901");
    key.put("token_uri", "https://oauth2.googleapis.com/token");
    return key.toString();
  }

  @Test
  void serviceAccountKeyParses() throws Exception {
    GoogleCredentials credentials = GoogleSecretCredentials.parse("google-sa", serviceAccountKey());
    ServiceAccountCredentials sa = assertInstanceOf(ServiceAccountCredentials.class, credentials);
    assertEquals("rds2bq-loader@acme-analytics.iam.gserviceaccount.com", sa.getClientEmail());
    assertTrue(sa.getScopes().contains("https://www.googleapis.com/auth/cloud-platform"));
  }

  @Test
  void workloadIdentityFederationWithAwsParses() throws Exception {
    GoogleCredentials credentials = GoogleSecretCredentials.parse("google-wif", resource("wif-aws.json"));
    AwsCredentials aws = assertInstanceOf(AwsCredentials.class, credentials);
    assertEquals("rds2bq-loader@acme-analytics.iam.gserviceaccount.com", aws.getServiceAccountEmail());
    assertTrue(aws.getAudience().endsWith("/providers/aws-prod"));
    assertEquals("https://sts.googleapis.com/v1/token", aws.getTokenUrl());
    assertTrue(aws.getScopes().contains("https://www.googleapis.com/auth/cloud-platform"));
    // The AWS identity comes from the SDK's chain (SnapStart's container endpoint included), not from
    // Google's metadata-server source.
    assertEquals(null, aws.getCredentialSource());
  }

  /**
   * In a JVM of its own with the variables Lambda sets, so that no system property of this JVM, which
   * other tests share, is touched.
   */
  @Test
  void theRoleSupplierReadsTheSdkChain() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        RoleCredentialsProbe.class.getName());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().putAll(java.util.Map.of("AWS_ACCESS_KEY_ID", "AKIATESTTESTTEST0001",
        "AWS_SECRET_ACCESS_KEY", "test-secret", "AWS_SESSION_TOKEN", "test-token", "AWS_REGION", "ap-northeast-1"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    assertEquals("AKIATESTTESTTEST0001 test-token ap-northeast-1", out.lines().reduce((a, b) -> b).orElse(""), out);
  }

  /** Prints what {@link LambdaRoleAwsCredentials} finds: access key id, session token, region. */
  public static final class RoleCredentialsProbe {
    public static void main(String[] args) throws Exception {
      LambdaRoleAwsCredentials supplier = new LambdaRoleAwsCredentials();
      var c = supplier.getCredentials(null);
      System.out.println(c.getAccessKeyId() + " " + c.getSessionToken() + " " + supplier.getRegion(null));
    }
  }

  @Test
  void workloadIdentityFederationFromAnotherSourceIsRefused() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> GoogleSecretCredentials.parse("google-wif", resource("wif-file-source.json")));
    assertTrue(e.getMessage().contains("credential source is not AWS") && e.getMessage().contains("--aws"), e.getMessage());
  }

  @Test
  void otherFormsFailNamingTheSecretButNotItsValue() {
    ConfigException user = assertThrows(ConfigException.class, () -> GoogleSecretCredentials.parse("google-creds",
        "{\"type\":\"authorized_user\",\"client_secret\":\"s3cr3t-value\",\"refresh_token\":\"r\"}"));
    assertTrue(user.getMessage().contains("'google-creds'") && user.getMessage().contains("authorized_user"), user.getMessage());
    assertFalse(user.getMessage().contains("s3cr3t-value"));

    ConfigException notJson = assertThrows(ConfigException.class,
        () -> GoogleSecretCredentials.parse("google-creds", "plain s3cr3t-value"));
    assertFalse(notJson.getMessage().contains("s3cr3t-value"), notJson.getMessage());

    ConfigException broken = assertThrows(ConfigException.class, () -> GoogleSecretCredentials.parse("google-creds",
        "{\"type\":\"service_account\",\"private_key\":\"s3cr3t-value\"}"));
    assertFalse(broken.getMessage().contains("s3cr3t-value"), broken.getMessage());
  }

  @Test
  void s3AccessKeyParsesAndHidesItsSecret() {
    S3AccessKey key = S3AccessKey.parse("dts-key", "{\"accessKeyId\":\"AKIAEXAMPLE000000001\",\"secretAccessKey\":\"abc/def\"}");
    assertEquals("AKIAEXAMPLE000000001", key.accessKeyId());
    assertFalse(key.toString().contains("abc/def"));
    ConfigException e = assertThrows(ConfigException.class, () -> S3AccessKey.parse("dts-key", "{\"id\":\"x\"}"));
    assertTrue(e.getMessage().contains("'dts-key'") && e.getMessage().contains("accessKeyId"), e.getMessage());
  }
}
