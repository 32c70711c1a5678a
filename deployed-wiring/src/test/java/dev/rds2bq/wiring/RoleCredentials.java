package dev.rds2bq.wiring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The function role's credentials as Lambda hands them to a function: for SnapStart functions at a
 * container credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, answered only with the
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} header), otherwise in {@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN}. The key pair is the one the stand-ins
 * check signatures with.
 */
final class RoleCredentials implements AutoCloseable {
  private final String accessKey;
  private final String secretKey;
  private final String sessionToken = "wiring-session-" + UUID.randomUUID();
  private final String authorization = UUID.randomUUID().toString();
  private final HttpServer server;
  private final AtomicInteger served = new AtomicInteger();

  RoleCredentials(String accessKey, String secretKey) {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/2021-04-23/credentials", this::credentials);
    server.start();
  }

  /** The variables Lambda sets for the role's credentials. */
  Map<String, String> environment(boolean snapStart) {
    return snapStart
        ? Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://127.0.0.1:" + server.getAddress().getPort() + "/2021-04-23/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN", authorization)
        : Map.of("AWS_ACCESS_KEY_ID", accessKey, "AWS_SECRET_ACCESS_KEY", secretKey,
            "AWS_SESSION_TOKEN", sessionToken);
  }

  /** How many times the endpoint handed out the credentials. */
  int served() {
    return served.get();
  }

  private void credentials(HttpExchange ex) throws IOException {
    try (ex) {
      if (!authorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.sendResponseHeaders(401, -1);
        return;
      }
      served.incrementAndGet();
      byte[] body = ("{\"AccessKeyId\": \"" + accessKey + "\", \"SecretAccessKey\": \"" + secretKey
          + "\", \"Token\": \"" + sessionToken + "\", \"Expiration\": \""
          + Instant.now().plus(6, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
