package dev.rds2bq.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.ConfigException;
import java.io.IOException;

/**
 * The access key the Data Transfer Service reads the bucket with: secret
 * {@code bigquery.s3AccessKeySecretId}, JSON {@code {"accessKeyId": "...", "secretAccessKey": "..."}}.
 * DTS's Amazon S3 source takes only a key pair, no role. {@link #toString()} hides the secret part.
 */
public record S3AccessKey(String accessKeyId, String secretAccessKey) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static S3AccessKey parse(String secretId, String secret) {
    JsonNode node;
    try {
      node = JSON.readTree(secret);
    } catch (IOException e) {
      node = null;
    }
    String id = node == null ? "" : node.path("accessKeyId").asText("");
    String key = node == null ? "" : node.path("secretAccessKey").asText("");
    if (!id.matches("[A-Za-z0-9._-]{3,128}") || key.isBlank()) {
      throw new ConfigException("secret '" + secretId + "' (bigquery.s3AccessKeySecretId) must be JSON"
          + " {\"accessKeyId\": \"AKIA...\", \"secretAccessKey\": \"...\"}: the key of the IAM user that may read the"
          + " published prefix (the CDK stack creates it)");
    }
    return new S3AccessKey(id, key);
  }

  @Override
  public String toString() {
    return "S3AccessKey[" + accessKeyId + ", secret hidden]";
  }
}
