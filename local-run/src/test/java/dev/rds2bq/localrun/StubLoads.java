package dev.rds2bq.localrun;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;

/**
 * StartLoads and CheckLoads as the state machine sees them (their input and output contract), without
 * BigQuery: every PUBLISHED table gets a load that is RUNNING at the first check and SUCCEEDED, or
 * FAILED for the tables named, at the second. Exercises the ASL's wait-and-poll loop.
 */
final class StubLoads {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StubLoads() {}

  static Map<String, RequestStreamHandler> with(Map<String, RequestStreamHandler> functions, Set<String> failing) {
    functions.put(LocalFunctions.START_LOADS, StubLoads::start);
    functions.put(LocalFunctions.CHECK_LOADS, (in, out, ctx) -> check(in, out, failing));
    return functions;
  }

  private static void start(InputStream in, OutputStream out, Context context) throws IOException {
    JsonNode input = JSON.readTree(in);
    ObjectNode result = JSON.createObjectNode().put("runId", input.get("runId").asText())
        .put("runDate", input.get("runDate").asText()).put("startedAt", "2026-11-26T18:09:12Z").put("done", false);
    ArrayNode loads = result.putArray("loads");
    for (JsonNode t : input.get("tables")) {
      if ("PUBLISHED".equals(t.path("status").asText())) {
        String table = t.get("database").asText() + "__" + t.get("table").asText();
        loads.addObject().put("database", t.get("database").asText()).put("table", t.get("table").asText())
            .put("destination", "analytics." + table).put("transferConfig", "projects/1/locations/us/transferConfigs/" + table)
            .put("runName", "projects/1/locations/us/transferConfigs/" + table + "/runs/1").put("state", "PENDING");
      }
    }
    JSON.writeValue(out, result);
  }

  private static void check(InputStream in, OutputStream out, Set<String> failing) throws IOException {
    ObjectNode loads = (ObjectNode) JSON.readTree(in);
    boolean done = true;
    for (JsonNode l : loads.get("loads")) {
      ObjectNode load = (ObjectNode) l;
      String name = load.get("database").asText() + "." + load.get("table").asText();
      switch (load.get("state").asText()) {
        case "PENDING" -> {
          load.put("state", "RUNNING");
          done = false;
        }
        case "RUNNING" -> {
          if (failing.contains(name)) {
            load.put("state", "FAILED").putArray("errors").add("Provided Schema does not match Table " + name);
          } else {
            load.put("state", "SUCCEEDED");
          }
        }
        default -> { }
      }
    }
    loads.put("done", done);
    JSON.writeValue(out, loads);
  }
}
