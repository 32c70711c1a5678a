package dev.rds2bq.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.ConfigException;
import java.io.IOException;

/**
 * A database login in the format RDS writes to Secrets Manager: {@code host}, {@code port},
 * {@code username}, {@code password}, {@code dbname}. {@link #toString()} hides the password.
 */
public record DatabaseSecret(String host, int port, String username, String password, String dbname) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A MySQL login: the port is 3306 when the secret has none. */
  public static DatabaseSecret parse(String secretId, String secretString) {
    return parse(secretId, secretString, 3306);
  }

  /** @param defaultPort the engine's port, for a secret without {@code port} */
  public static DatabaseSecret parse(String secretId, String secretString, int defaultPort) {
    JsonNode root;
    try {
      root = JSON.readTree(secretString);
    } catch (IOException e) {
      // The parser's message may quote the secret: keep it out.
      throw new ConfigException("secret '" + secretId + "' is not JSON; store it in the RDS format"
          + " {\"host\",\"port\",\"username\",\"password\",\"dbname\"}");
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("secret '" + secretId + "' is not a JSON object in the RDS format");
    }
    String host = requiredText(secretId, root, "host", defaultPort);
    String username = requiredText(secretId, root, "username", defaultPort);
    JsonNode pw = root.get("password");
    if (pw == null || !pw.isTextual()) {
      throw new ConfigException("secret '" + secretId + "' lacks the text field 'password'; the RDS format needs"
          + " host, port, username, password");
    }
    String password = pw.asText();
    JsonNode portNode = root.get("port");
    int port = defaultPort;
    if (portNode != null && !portNode.isNull()) {
      if (portNode.canConvertToInt() && portNode.asInt() > 0 && portNode.asInt() < 65536) {
        port = portNode.asInt();
      } else if (portNode.isTextual() && portNode.asText().matches("\\d{1,5}")
          && Integer.parseInt(portNode.asText()) > 0 && Integer.parseInt(portNode.asText()) < 65536) {
        port = Integer.parseInt(portNode.asText());
      } else {
        throw new ConfigException("secret '" + secretId + "': field 'port' must be a TCP port number");
      }
    }
    JsonNode db = root.get("dbname");
    return new DatabaseSecret(host, port, username, password, db == null || db.isNull() ? null : db.asText());
  }

  private static String requiredText(String secretId, JsonNode root, String field, int defaultPort) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull() || !node.isValueNode() || node.asText().isEmpty()) {
      throw new ConfigException("secret '" + secretId + "' lacks the field '" + field
          + "'; the RDS format needs host, username, password (and port, " + defaultPort + " by default)");
    }
    return node.asText();
  }

  @Override
  public String toString() {
    return "DatabaseSecret[host=" + host + ", port=" + port + ", username=" + username + ", dbname=" + dbname + "]";
  }
}
