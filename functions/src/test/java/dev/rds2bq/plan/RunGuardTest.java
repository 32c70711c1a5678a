package dev.rds2bq.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.RunInProgressException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The real Step Functions client against a loopback stand-in of the ListExecutions call (AWS JSON
 * 1.0), so the request the guard sends and the answers it reads are the service's own shapes.
 */
class RunGuardTest {
  static final String MACHINE = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:rds2bq";
  static final String SELF = "arn:aws:states:ap-northeast-1:123456789012:execution:rds2bq:run-b";
  static final String OTHER = "arn:aws:states:ap-northeast-1:123456789012:execution:rds2bq:run-a";

  private HttpServer server;
  private final List<String> requests = new ArrayList<>();
  private volatile int status = 200;
  private volatile String body;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " "
          + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] out = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private RunGuard guard() {
    return new RunGuard(SfnClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.AP_NORTHEAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build());
  }

  private static String executions(String... arns) {
    StringBuilder sb = new StringBuilder("{\"executions\":[");
    for (int i = 0; i < arns.length; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"executionArn\":\"").append(arns[i])
          .append("\",\"stateMachineArn\":\"").append(MACHINE).append("\",\"name\":\"n\",\"status\":\"RUNNING\","
              + "\"startDate\":1.7801316E9}");
    }
    return sb.append("]}").toString();
  }

  @Test
  void anotherRunningExecutionRefusesTheRunAndNamesIt() {
    body = executions(OTHER, SELF);
    RunInProgressException e = assertThrows(RunInProgressException.class, () -> guard().ensureAlone(SELF));
    assertTrue(e.getMessage().contains(OTHER), e.getMessage());
    assertTrue(e.getMessage().contains("allowConcurrent"), e.getMessage());
    assertEquals(1, requests.size());
    assertTrue(requests.get(0).startsWith("AWSStepFunctions.ListExecutions"), requests.get(0));
    assertTrue(requests.get(0).contains(MACHINE) && requests.get(0).contains("RUNNING"), requests.get(0));
  }

  @Test
  void onlyItselfRunningIsFineAndOutsideStepFunctionsNothingIsAsked() {
    body = executions(SELF);
    guard().ensureAlone(SELF);
    guard().ensureAlone(null);
    assertEquals(1, requests.size());
  }

  @Test
  void aMissingPermissionIsAConfigErrorWithTheFix() {
    status = 400;
    body = "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized\"}";
    ConfigException e = assertThrows(ConfigException.class, () -> guard().ensureAlone(SELF));
    assertTrue(e.getMessage().contains("states:ListExecutions"), e.getMessage());
  }

  @Test
  void theStateMachineComesFromTheExecutionArn() {
    assertEquals(MACHINE, RunGuard.stateMachineOf(SELF));
  }
}
