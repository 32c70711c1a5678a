package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.plan.RunGuard;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.plan.RunPlanner;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.joda.time.DateTime;

/**
 * PlanRun: a console click ({@code {}}), the EventBridge schedule's event, or
 * {@code {tables?, sources?, runDate?, load?, runId?, startTime?, executionArn?, allowConcurrent?, replaceNewer?,
 * full?}} in; the run
 * plan out (events/PlanRun/). The state machine merges {@code executionArn} and {@code startTime}
 * from its context object into whichever form it was started with; the one-run-at-a-time check and
 * the default run date use them (a scheduled event's own {@code time} stays its start time).
 */
public final class PlanRunHandler extends JsonHandler<JsonNode, RunPlan> {
  static final Set<String> INPUT_KEYS =
      Set.of("tables", "sources", "runDate", "load", "runId", "startTime", "executionArn", "allowConcurrent",
          "replaceNewer", "full", "modes");
  private final OnFirstUse<RunPlanner> planner;

  /** Lambda's constructor: config and policy checked here; the database login read at the first plan. */
  public PlanRunHandler() {
    super("PlanRun", JsonNode.class, "a JSON object", STRICT);
    LambdaEnvironment env = LambdaEnvironment.load();
    MaskingPolicy policy = env.policy();
    this.planner = new OnFirstUse<>(() -> env.engines.planner(policy, Clock.systemUTC(),
        new RunGuard(env.stepFunctions())));
  }

  public PlanRunHandler(RunPlanner planner) {
    super("PlanRun", JsonNode.class, "a JSON object", STRICT);
    this.planner = OnFirstUse.of(planner);
  }

  /** No payload at all (a test invocation from the Lambda console) is a console click: {@code {}}. */
  @Override
  protected JsonNode emptyInput() {
    return STRICT.createObjectNode();
  }

  @Override
  protected RunPlan handle(JsonNode node) {
    return planner.get().plan(parse(node));
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
      // The state machine adds its executionArn (and startTime, which the event's time stands for).
      return new PlanInput(List.of(), null, null, null, Instant.ofEpochMilli(event.getTime().getMillis()).toString(),
          text(node, "executionArn"), false);
    }
    node.fieldNames().forEachRemaining(k -> {
      if (!INPUT_KEYS.contains(k)) {
        throw new InvalidInputException("PlanRun input has the unknown key '" + k + "'; allowed: " + INPUT_KEYS);
      }
    });
    List<String> tables = names(node, "tables", "a list of table names, e.g. [\"orders\", \"app.users\"]",
        "a table name as a string, e.g. \"orders\" or \"app.users\"");
    List<String> sources = names(node, "sources", "a list of the config's source names, e.g. [\"app\"]",
        "a source name as a string, e.g. \"app\"");
    Boolean load = flag(node, "load");
    return new PlanInput(tables, text(node, "runDate"), load, text(node, "runId"), text(node, "startTime"),
        text(node, "executionArn"), Boolean.TRUE.equals(flag(node, "allowConcurrent")),
        Boolean.TRUE.equals(flag(node, "replaceNewer")), sources, Boolean.TRUE.equals(flag(node, "full")),
        modes(node));
  }

  /** {@code "modes": {"db.table": "full" | "snapshot"}}: what each value means is checked by the planner. */
  private static java.util.Map<String, String> modes(JsonNode node) {
    JsonNode modes = node.get("modes");
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    if (modes == null || modes.isNull()) {
      return out;
    }
    if (!modes.isObject()) {
      throw new InvalidInputException("'modes' must be an object of table names to \"full\" or \"snapshot\","
          + " e.g. {\"app.step_logs\": \"full\"}");
    }
    modes.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        throw new InvalidInputException("'modes." + e.getKey() + "' must be \"full\" or \"snapshot\"; got "
            + e.getValue());
      }
      out.put(e.getKey(), e.getValue().asText());
    });
    return out;
  }

  /** An optional string field; a number or object there is a mistake, not something to turn into text. */
  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidInputException("'" + key + "' must be a string; got " + v);
    }
    return v.asText();
  }

  /** The non-blank strings of a list field, empty when absent; anything else is refused naming the entry. */
  private static List<String> names(JsonNode node, String key, String listShape, String itemShape) {
    List<String> names = new ArrayList<>();
    JsonNode list = node.get(key);
    if (list == null || list.isNull()) {
      return names;
    }
    if (!list.isArray()) {
      throw new InvalidInputException("'" + key + "' must be " + listShape);
    }
    for (int i = 0; i < list.size(); i++) {
      if (!list.get(i).isTextual() || list.get(i).asText().isBlank()) {
        throw new InvalidInputException("'" + key + "[" + i + "]' must be " + itemShape + "; got " + list.get(i));
      }
      names.add(list.get(i).asText());
    }
    return names;
  }

  private static Boolean flag(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new InvalidInputException("'" + key + "' must be true or false; got " + v);
    }
    return v.asBoolean();
  }
}
