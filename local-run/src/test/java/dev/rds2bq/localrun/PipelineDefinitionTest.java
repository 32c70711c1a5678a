package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.TransientException;
import dev.rds2bq.error.UserFaultException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The error-name contract of statemachine/pipeline.asl.json (docs/state-machine.md): every
 * dev.rds2bq name is a class, only transient faults and the Lambda service's errors are retried,
 * every Task has a timeout, and the only placeholders are the six function ARNs.
 */
class PipelineDefinitionTest {
  private static final Set<String> FUNCTIONS =
      Set.of("PlanRun", "ExportTable", "PublishTable", "StartLoads", "CheckLoads", "SummarizeRun");
  private static final Set<String> LAMBDA_SERVICE_ERRORS = Set.of("Lambda.ServiceException",
      "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException");

  private final String text;
  private final JsonNode asl;

  PipelineDefinitionTest() throws Exception {
    Path file = StateMachineRunner.locate().resolve("pipeline.asl.json");
    text = Files.readString(file);
    asl = new ObjectMapper().readTree(text);
  }

  /** Every state, nested ones included, by name. */
  private static void states(JsonNode states, Map<String, JsonNode> out) {
    states.fields().forEachRemaining(e -> {
      if (out.put(e.getKey(), e.getValue()) != null) {
        fail("state name " + e.getKey() + " is used twice");
      }
      JsonNode nested = e.getValue().has("ItemProcessor") ? e.getValue().get("ItemProcessor") : e.getValue().get("Iterator");
      if (nested != null) {
        states(nested.get("States"), out);
      }
    });
  }

  private Map<String, JsonNode> states() {
    Map<String, JsonNode> all = new java.util.LinkedHashMap<>();
    states(asl.get("States"), all);
    return all;
  }

  @Test
  void everyDevRds2bqNameInTheDefinitionIsAClass() throws Exception {
    Matcher m = Pattern.compile("dev\\.rds2bq\\.[A-Za-z0-9_.]+").matcher(text);
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      names.add(m.group());
    }
    assertTrue(names.contains("dev.rds2bq.error.LoadServiceUnavailableException"), names.toString());
    for (String name : names) {
      Class<?> c = Class.forName(name); // ClassNotFoundException names the one that is not
      assertTrue(RuntimeException.class.isAssignableFrom(c), name + " is an exception");
    }
  }

  /** A function killed mid-call: PublishTable alone repeats it, being idempotent (CrashSafePublishTest). */
  private static final Set<String> CRASH_ERRORS = Set.of("Lambda.Unknown", "States.Timeout");
  private static final String SOURCE_BUSY = "dev.rds2bq.error.SourceBusyException";

  @Test
  void onlyTransientFaultsAndLambdaServiceErrorsAreRetried() throws Exception {
    int tasks = 0;
    for (Map.Entry<String, JsonNode> s : states().entrySet()) {
      JsonNode state = s.getValue();
      if (!state.path("Type").asText().equals("Task")) {
        assertFalse(state.has("Retry"), s.getKey());
        continue;
      }
      tasks++;
      assertTrue(state.path("TimeoutSeconds").asInt() >= 60, s.getKey() + " has a TimeoutSeconds"
          + " (the local interpreter's default is 60 s, AWS's is none)");
      Set<String> retried = new HashSet<>();
      for (JsonNode retrier : state.path("Retry")) {
        if (retrier.get("ErrorEquals").toString().contains(SOURCE_BUSY)) {
          // A replica that is behind is waited for, minutes apart, by the exports alone: pacing, not contention.
          assertTrue(state.path("Resource").asText().contains("ExportTable"), s.getKey() + " retries " + SOURCE_BUSY);
          assertEquals(1, retrier.get("ErrorEquals").size(), s.getKey());
          assertEquals("NONE", retrier.path("JitterStrategy").asText(), s.getKey());
          assertTrue(retrier.path("IntervalSeconds").asInt() >= 60, s.getKey());
        } else {
          assertEquals("FULL", retrier.path("JitterStrategy").asText(), s.getKey());
        }
        assertEquals(2, retrier.path("BackoffRate").asInt(), s.getKey());
        assertTrue(retrier.path("MaxDelaySeconds").asInt() > 0, s.getKey());
        for (JsonNode e : retrier.get("ErrorEquals")) {
          String name = e.asText();
          retried.add(name);
          if (CRASH_ERRORS.contains(name)) {
            // A function that died (timeout, out of memory) is retried only where repeating it is proven safe.
            assertEquals("PublishTable", s.getKey(), s.getKey() + " retries " + name);
            continue;
          }
          assertFalse(name.startsWith("States."), s.getKey() + " retries " + name + ": only named errors are retried");
          if (name.startsWith("dev.rds2bq.")) {
            Class<?> c = Class.forName(name);
            assertTrue(TransientException.class.isAssignableFrom(c), s.getKey() + " retries " + name);
            assertFalse(UserFaultException.class.isAssignableFrom(c) || IntegrityException.class.isAssignableFrom(c));
          } else {
            assertTrue(name.startsWith("Lambda."), s.getKey() + " retries " + name);
          }
        }
      }
      assertTrue(retried.containsAll(LAMBDA_SERVICE_ERRORS), s.getKey() + " retries the Lambda service's errors");
      assertEquals(state.path("Resource").asText().contains("ExportTable"), retried.contains(SOURCE_BUSY),
          s.getKey() + ": every export, and only the exports, wait for a busy replica");
      assertTrue(retried.contains("dev.rds2bq.error.SourceUnavailableException")
          && retried.contains("dev.rds2bq.error.StorageUnavailableException"), s.getKey());
    }
    assertEquals(8, tasks, "PlanRun, 3 ExportTable, PublishTable, StartLoads, CheckLoads, SummarizeRun");
  }

  @Test
  void theOnlyPlaceholdersAreTheSixFunctionArns() {
    Matcher m = Pattern.compile("\\$\\{([^}]*)}").matcher(text);
    Set<String> found = new TreeSet<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    Set<String> expected = new TreeSet<>();
    FUNCTIONS.forEach(f -> expected.add(f + "FunctionArn"));
    assertEquals(expected, found);
    List<String> resources = new ArrayList<>();
    for (JsonNode state : states().values()) {
      if (state.has("Resource")) {
        resources.add(state.get("Resource").asText());
        assertTrue(state.get("Resource").asText().matches("\\$\\{[A-Za-z]+FunctionArn}"), state.toString());
      }
    }
    assertNotNull(asl.get("TimeoutSeconds"), "an overall limit");
    assertEquals(8, resources.size());
  }
}
