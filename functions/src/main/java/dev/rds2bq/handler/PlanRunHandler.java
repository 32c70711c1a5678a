package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.config.AwsSecretSource;
import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.export.ExportEngines;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.plan.RunGuard;
import dev.rds2bq.plan.RunPlanner;
import dev.rds2bq.source.SourceConnector;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.joda.time.DateTime;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * PlanRun: a console click ({@code {}}), the EventBridge schedule's event, or
 * {@code {tables?, runDate?, load?, runId?, startTime?, executionArn?, allowConcurrent?}} in; the run
 * plan out (events/PlanRun/). The state machine adds {@code executionArn} and {@code startTime} from
 * its context object, which the one-run-at-a-time check and the default run date use.
 */
public final class PlanRunHandler implements RequestStreamHandler {
  static final Set<String> INPUT_KEYS =
      Set.of("tables", "runDate", "load", "runId", "startTime", "executionArn", "allowConcurrent");
  private final RunPlanner planner;

  public PlanRunHandler() {
    Path configFile = Path.of(System.getenv().getOrDefault("RDS2BQ_CONFIG", "/var/task/rds2bq.yaml"));
    PipelineConfig config = ExportEngines.readConfig(configFile);
    S3Client s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    AwsSecretSource secrets = new AwsSecretSource(
        SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
    String secretId = config.source().secretId();
    this.planner = new RunPlanner(config,
        new SourceConnector(DatabaseSecret.parse(secretId, secrets.secretString(secretId)), config.source()),
        ExportEngines.readPolicy(config, configFile.toAbsolutePath().getParent()),
        new S3ObjectStore(s3, config.bucket(), config.parquet().uploadPartMiB() << 20), Clock.systemUTC(),
        new RunGuard(SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build()));
  }

  public PlanRunHandler(RunPlanner planner) {
    this.planner = planner;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode node;
    try {
      node = ExportTableHandler.JSON.readTree(input);
    } catch (IOException e) {
      throw new InvalidInputException("PlanRun input is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    ExportTableHandler.JSON.writeValue(output, planner.plan(parse(node)));
  }

  static PlanInput parse(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode() || (node.isObject() && node.isEmpty())) {
      return PlanInput.empty();
    }
    if (!node.isObject()) {
      throw new InvalidInputException("PlanRun input must be a JSON object, e.g. {} or {\"tables\": [\"orders\"]}");
    }
    if ("aws.events".equals(node.path("source").asText()) && "Scheduled Event".equals(node.path("detail-type").asText())) {
      ScheduledEvent event = new ScheduledEvent();
      event.setId(node.path("id").asText(null));
      event.setSource(node.path("source").asText());
      event.setDetailType(node.path("detail-type").asText());
      try {
        event.setTime(new DateTime(node.path("time").asText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("the scheduled event's 'time' is not an ISO timestamp: '"
            + node.path("time").asText() + "'");
      }
      return new PlanInput(List.of(), null, null, null, Instant.ofEpochMilli(event.getTime().getMillis()).toString());
    }
    node.fieldNames().forEachRemaining(k -> {
      if (!INPUT_KEYS.contains(k)) {
        throw new InvalidInputException("PlanRun input has the unknown key '" + k + "'; allowed: " + INPUT_KEYS);
      }
    });
    List<String> tables = new ArrayList<>();
    JsonNode t = node.get("tables");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        throw new InvalidInputException("'tables' must be a list of table names, e.g. [\"orders\", \"app.users\"]");
      }
      t.forEach(n -> tables.add(n.asText()));
    }
    JsonNode load = node.get("load");
    if (load != null && !load.isBoolean()) {
      throw new InvalidInputException("'load' must be true or false; got " + load);
    }
    JsonNode allow = node.get("allowConcurrent");
    if (allow != null && !allow.isBoolean()) {
      throw new InvalidInputException("'allowConcurrent' must be true or false; got " + allow);
    }
    return new PlanInput(tables, text(node, "runDate"), load == null ? null : load.asBoolean(), text(node, "runId"),
        text(node, "startTime"), text(node, "executionArn"), allow != null && allow.asBoolean());
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }
}
