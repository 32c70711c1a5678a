package dev.rds2bq.localgcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Google's OAuth 2.0 token endpoint for service-account keys, on a loopback HTTPS port. It writes the
 * key file a test stores as the credentials secret (its {@code token_uri} is this endpoint), takes
 * the JWT bearer grant the Google auth library sends with a key file (RFC 7523), checks the JWT's
 * RS256 signature against that key, its issuer, audience (Google's token endpoint), scope and
 * lifetime, and issues an access
 * token. The stand-ins built with {@link LocalGoogleCloud#withTls} accept only tokens issued here.
 */
public final class LocalGoogleAuth implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
  private static final String AUDIENCE = "https://oauth2.googleapis.com/token";

  private final HttpsServer server;
  private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
  private final Map<String, String> accountByToken = new ConcurrentHashMap<>();
  private final List<String> grants = new CopyOnWriteArrayList<>();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final Set<String> disabled = ConcurrentHashMap.newKeySet();

  public LocalGoogleAuth(ServerTls tls) {
    try {
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()));
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-google-auth");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/token", this::token);
    server.start();
  }

  /** The {@code token_uri} of the key files made here. */
  public String tokenUri() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** A new service account's key file, as the console downloads it, with a fresh RSA key. */
  public String serviceAccountKey(String projectId, String clientEmail) {
    KeyPair pair;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, RANDOM);
      pair = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    keys.put(clientEmail, pair.getPublic());
    byte[] id = new byte[20];
    RANDOM.nextBytes(id);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    ObjectNode key = JSON.createObjectNode().put("type", "service_account").put("project_id", projectId)
        .put("private_key_id", HexFormat.of().formatHex(id)).put("private_key", pem).put("client_email", clientEmail)
        .put("client_id", "100000000000000000001").put("token_uri", tokenUri());
    return key.toString();
  }

  /**
   * Disables a service account's key, as an administrator can in the console: its next token
   * requests get Google's {@code invalid_grant}, while tokens issued before keep working.
   */
  public void disable(String clientEmail) {
    disabled.add(clientEmail);
  }

  /** Whether an {@code Authorization} header carries a token issued here. */
  public boolean authorizes(String authorization) {
    return authorization != null && authorization.startsWith("Bearer ")
        && accountByToken.containsKey(authorization.substring("Bearer ".length()));
  }

  /** The account of each token issued, in order. */
  public List<String> grants() {
    return List.copyOf(grants);
  }

  /** Why each refused grant was refused, in order. */
  public List<String> refusals() {
    return List.copyOf(refusals);
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> form = new HashMap<>();
      for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      String refused = refusal(ex.getRequestMethod(), form);
      if (refused != null) {
        refusals.add(refused);
        reply(ex, 400, JSON.createObjectNode().put("error", "invalid_grant").put("error_description", refused));
        return;
      }
      String account = JSON.readTree(part(form.get("assertion"), 1)).path("iss").asText();
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      String token = "ya29.local-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      accountByToken.put(token, account);
      grants.add(account);
      reply(ex, 200, JSON.createObjectNode().put("access_token", token).put("expires_in", 3599)
          .put("token_type", "Bearer"));
    }
  }

  /** Null for a grant this endpoint accepts, else why not. */
  private String refusal(String method, Map<String, String> form) throws IOException {
    if (!method.equals("POST")) {
      return "token requests are POSTs";
    }
    if (!GRANT.equals(form.get("grant_type"))) {
      return "grant_type must be " + GRANT;
    }
    String assertion = form.get("assertion");
    String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
    if (parts.length != 3) {
      return "the assertion is not a signed JWT";
    }
    JsonNode header = JSON.readTree(part(assertion, 0));
    JsonNode claims = JSON.readTree(part(assertion, 1));
    PublicKey key = keys.get(claims.path("iss").asText());
    if (!"RS256".equals(header.path("alg").asText()) || key == null) {
      return "not an RS256 JWT of a known service account";
    }
    if (disabled.contains(claims.path("iss").asText())) {
      return "Invalid grant: account disabled or key not found";
    }
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key);
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return "invalid JWT signature";
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "invalid JWT signature: " + e.getMessage();
    }
    long now = Instant.now().getEpochSecond();
    // Google's token endpoint wants its own public address as the audience, wherever token_uri points.
    if (!AUDIENCE.equals(claims.path("aud").asText())) {
      return "the JWT's aud must be " + AUDIENCE;
    }
    if (!Set.of(claims.path("scope").asText().split(" ")).contains(SCOPE)) {
      return "the JWT asks for no cloud-platform scope";
    }
    if (claims.path("iat").asLong() > now + 300 || claims.path("exp").asLong() < now
        || claims.path("exp").asLong() - claims.path("iat").asLong() > 3600) {
      return "the JWT is expired or valid for more than an hour";
    }
    return null;
  }

  private static byte[] part(String jwt, int index) {
    return Base64.getUrlDecoder().decode(jwt.split("\\.")[index]);
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
