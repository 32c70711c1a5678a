package dev.rds2bq.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * An AWS service that speaks the JSON protocol ({@code POST /} with {@code X-Amz-Target:
 * <prefix>.<Operation>}) on a loopback port, for the SDK's own client with an endpoint override.
 * Requests must carry a valid SigV4 signature of the one access key the service was started with:
 * it signs the request again with the SDK's signer and compares, so a wrong key, region or service
 * fails as it does at AWS. Subclasses answer the operations.
 */
public abstract class AwsJsonService implements AutoCloseable {
  protected static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)");
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  private final String targetPrefix;
  private final String signingName;
  private final String accessKey;
  private final String secretKey;
  private final HttpServer server;
  private final ExecutorService threads;

  /**
   * @param targetPrefix the part of {@code X-Amz-Target} before the operation, e.g. {@code secretsmanager}
   * @param signingName the service name in the signature's scope, e.g. {@code secretsmanager} or {@code states}
   */
  protected AwsJsonService(String targetPrefix, String signingName, String accessKey, String secretKey) {
    this.targetPrefix = targetPrefix + ".";
    this.signingName = signingName;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(signingName + " stand-in: no loopback port", e);
    }
    threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "local-" + signingName);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The value for {@code AWS_ENDPOINT_URL_<SERVICE>} or {@code endpointOverride}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers one operation; throws {@link Failure} for the service's error answers. Called one at a time. */
  protected abstract ObjectNode operation(String name, JsonNode request);

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(targetPrefix)) {
        reply(exchange, 400, error("UnknownOperationException", "expected POST with X-Amz-Target " + targetPrefix + "*"));
        return;
      }
      String refusal = checkSignature(exchange, body);
      if (refusal != null) {
        reply(exchange, 400, error(refusal.startsWith("The security token") ? "UnrecognizedClientException"
            : "InvalidSignatureException", refusal));
        return;
      }
      JsonNode request;
      try {
        request = JSON.readTree(body);
      } catch (IOException e) {
        reply(exchange, 400, error("SerializationException", "the body is not JSON"));
        return;
      }
      ObjectNode response;
      try {
        synchronized (this) {
          response = operation(target.substring(targetPrefix.length()), request);
        }
      } catch (Failure f) {
        reply(exchange, 400, error(f.type, f.getMessage()));
        return;
      }
      reply(exchange, 200, response);
    }
  }

  /** Null when the signature holds, else the service's message. */
  private String checkSignature(HttpExchange exchange, byte[] body) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
    if (m == null || !m.matches()) {
      return "Missing Authentication Token";
    }
    if (!m.group(1).equals(accessKey)) {
      return "The security token included in the request is invalid.";
    }
    if (!m.group(4).equals(signingName)) {
      return "Credential should be scoped to correct service: '" + signingName + "'.";
    }
    String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
    Instant signedAt;
    try {
      signedAt = ZonedDateTime.parse(amzDate, AMZ_DATE.withZone(ZoneOffset.UTC)).toInstant();
    } catch (RuntimeException e) {
      return "X-Amz-Date is missing or malformed";
    }
    SdkHttpRequest.Builder copy = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("http")
        .host("127.0.0.1").port(server.getAddress().getPort()).encodedPath(exchange.getRequestURI().getRawPath());
    String sessionToken = null;
    for (String name : m.group(5).split(";")) {
      if (name.equals("host")) {
        continue; // the signer derives it from host and port
      }
      List<String> values = exchange.getRequestHeaders().get(name);
      if (values != null) {
        copy.putHeader(name, values);
      }
      if (name.equals("x-amz-security-token") && values != null) {
        sessionToken = values.get(0);
      }
    }
    AwsCredentialsIdentity identity = sessionToken == null ? AwsCredentialsIdentity.create(accessKey, secretKey)
        : AwsSessionCredentialsIdentity.create(accessKey, secretKey, sessionToken);
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(copy.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
        .putProperty(AwsV4HttpSigner.REGION_NAME, m.group(3))
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
    String expected = signed.request().firstMatchingHeader("Authorization").orElse("");
    return expected.endsWith("Signature=" + m.group(6)) ? null
        : "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access"
            + " Key and signing method.";
  }

  protected static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static ObjectNode error(String type, String message) {
    return JSON.createObjectNode().put("__type", type).put("message", message);
  }

  private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (status != 200) {
      exchange.getResponseHeaders().set("x-amzn-ErrorType", body.path("__type").asText());
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /** A refused request: the service's error type and message. */
  protected static final class Failure extends RuntimeException {
    final String type;

    public Failure(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }
  }
}
