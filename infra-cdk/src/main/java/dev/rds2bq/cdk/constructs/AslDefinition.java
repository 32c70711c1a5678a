package dev.rds2bq.cdk.constructs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rds2bq.cdk.config.FunctionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state machine definition, {@code statemachine/pipeline.asl.json}, as the stack deploys it:
 * checked to be an ASL document whose {@code ${...}} placeholders are all function ARNs the stack
 * substitutes. Its top-level {@code TimeoutSeconds} is set from the deploy config's
 * {@code run.executionTimeoutHours}, so a stuck run ends as "timed out" and raises the alarm. It is
 * inlined into the template (not an S3 asset), so template tests see it.
 */
public final class AslDefinition {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

  private final String text;
  private final Set<FunctionSpec> invoked;
  private final Map<FunctionSpec, Integer> taskTimeouts;

  private AslDefinition(String text, Set<FunctionSpec> invoked, Map<FunctionSpec, Integer> taskTimeouts) {
    this.text = text;
    this.invoked = invoked;
    this.taskTimeouts = taskTimeouts;
  }

  public static AslDefinition read(Path file, int timeoutSeconds) {
    String raw;
    try {
      raw = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the state machine definition " + file + ": " + e
          + ". It is statemachine/pipeline.asl.json in the repository; pass another with -c asl=<path>", e);
    }
    return parse(file.toString(), raw, timeoutSeconds);
  }

  static AslDefinition parse(String origin, String raw, int timeoutSeconds) {
    JsonNode root;
    try {
      root = JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the state machine definition " + origin + " is not JSON: "
          + e.getOriginalMessage());
    }
    if (!(root instanceof ObjectNode asl) || !asl.has("StartAt") || !asl.path("States").isObject()) {
      throw new IllegalArgumentException("the state machine definition " + origin
          + " is not an ASL document: it needs StartAt and a States object");
    }
    Set<FunctionSpec> invoked = EnumSet.noneOf(FunctionSpec.class);
    List<String> unknown = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(raw);
    while (m.find()) {
      FunctionSpec spec = Arrays.stream(FunctionSpec.values())
          .filter(s -> s.substitutionKey().equals(m.group(1))).findFirst().orElse(null);
      if (spec == null) {
        unknown.add("${" + m.group(1) + "}");
      } else {
        invoked.add(spec);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("the state machine definition " + origin + " uses "
          + new LinkedHashSet<>(unknown) + ", which the stack does not substitute; it substitutes "
          + Arrays.stream(FunctionSpec.values()).map(s -> "${" + s.substitutionKey() + "}").toList());
    }
    Map<FunctionSpec, Integer> taskTimeouts = new EnumMap<>(FunctionSpec.class);
    collectTaskTimeouts(asl.path("States"), taskTimeouts);
    asl.put("TimeoutSeconds", timeoutSeconds);
    try {
      return new AslDefinition(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(asl), invoked, taskTimeouts);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The definition to deploy, placeholders left for DefinitionSubstitutions. */
  public String text() {
    return text;
  }

  /** The functions whose ARN placeholder the definition uses: the only ones the state machine may invoke. */
  public Set<FunctionSpec> invoked() {
    return invoked;
  }

  /** The shortest {@code TimeoutSeconds} of the Task states that invoke the function, if any sets one. */
  public Integer taskTimeout(FunctionSpec spec) {
    return taskTimeouts.get(spec);
  }

  /** Every Task, nested Maps and Parallels included, that invokes one of the functions directly. */
  private static void collectTaskTimeouts(JsonNode states, Map<FunctionSpec, Integer> out) {
    for (JsonNode state : (Iterable<JsonNode>) states::elements) {
      if ("Task".equals(state.path("Type").asText()) && state.has("TimeoutSeconds")) {
        Matcher m = PLACEHOLDER.matcher(state.path("Resource").asText());
        if (m.matches()) {
          Arrays.stream(FunctionSpec.values()).filter(s -> s.substitutionKey().equals(m.group(1))).findFirst()
              .ifPresent(s -> out.merge(s, state.get("TimeoutSeconds").asInt(), Math::min));
        }
      }
      collectTaskTimeouts(state.path("ItemProcessor").path("States"), out);
      collectTaskTimeouts(state.path("Iterator").path("States"), out);
      for (JsonNode branch : state.path("Branches")) {
        collectTaskTimeouts(branch.path("States"), out);
      }
    }
  }
}
