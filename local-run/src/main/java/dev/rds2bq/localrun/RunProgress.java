package dev.rds2bq.localrun;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rds2bq.contract.AnyExportResult;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.contract.PublishResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows an execution of the local state machine through what its handlers return: prints a line
 * per range exported, per table published and per retry, and keeps every handler output for the
 * summary and the results file.
 */
final class RunProgress implements StateMachineRunner.Listener {
  private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final PrintStream out;
  private final List<String> databases;
  volatile RunPlan plan;
  volatile Throwable planError;
  volatile JsonNode summary;
  final Map<String, PublishResult> published = new ConcurrentHashMap<>();
  private final Map<String, String> loadStates = new ConcurrentHashMap<>();
  private final ExportResultStore results;
  private final Map<String, List<AnyExportResult>> exports = new ConcurrentHashMap<>();
  private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
  private final List<JsonNode> exportOutputs = new ArrayList<>();
  private final List<JsonNode> publishOutputs = new ArrayList<>();
  private final List<JsonNode> loadOutputs = new ArrayList<>();
  private JsonNode planOutput;

  /** @param results where ExportTable keeps the full results its slim outputs name */
  RunProgress(PrintStream out, List<String> databases, ExportResultStore results) {
    this.out = out;
    this.databases = databases;
    this.results = results;
  }

  @Override
  public void returned(String function, JsonNode input, JsonNode output, long millis) {
    switch (function) {
      case LocalFunctions.PLAN_RUN -> {
        planOutput = output;
        plan = read(output, RunPlan.class);
        print("%nrun %s, run date %s: %d tables, %d ranges, from %s%s%n%n", plan.runId(), plan.runDate(),
            plan.tableCount(), plan.rangeCount(), String.join(", ", databases),
            plan.planKey() == null ? "" : " (plan kept in S3 at " + plan.planKey() + ")");
      }
      case LocalFunctions.EXPORT_TABLE -> {
        AnyExportResult r = read(output, AnyExportResult.class);
        String name = name(r.source(), r.database(), r.table());
        List<AnyExportResult> done = exports.computeIfAbsent(name, k -> new ArrayList<>());
        int count;
        synchronized (done) {
          done.add(r);
          count = done.size();
        }
        synchronized (this) {
          exportOutputs.add(output);
        }
        if (r.range() == null) {
          print("  %s: %,d rows exported in %,d ms%n", name, r.rowsWritten(), r.durationMs());
        } else {
          print("  %s: range %s, %,d rows exported in %,d ms (%d of %d ranges)%n", name, r.range().label(),
              r.rowsWritten(), r.durationMs(), count, expectedRanges(name));
        }
      }
      case LocalFunctions.PUBLISH_TABLE -> {
        PublishResult p = read(output, PublishResult.class);
        published.put(name(p.source(), p.database(), p.table()), p);
        synchronized (this) {
          publishOutputs.add(output);
        }
        print("  %s: published, %,d rows in %d file(s)%n", name(p.source(), p.database(), p.table()), p.rows(),
            p.files());
      }
      case LocalFunctions.SUMMARIZE_RUN -> summary = output;
      default -> {
        synchronized (this) {
          loadOutputs.add(JSON.createObjectNode().put("function", function).set("output", output));
        }
        for (JsonNode load : output.path("loads")) {
          String name = name(load.path("source").asText(null), load.path("database").asText(), load.path("table").asText());
          String state = load.path("state").asText();
          if (!state.equals(loadStates.put(name, state))) {
            print("  %s: load %s%s%n", name, state, load.hasNonNull("destinationRows")
                ? String.format(", %,d rows in %s", load.get("destinationRows").asLong(), load.path("destination").asText())
                : load.has("errors") ? ": " + load.get("errors").path(0).asText() : "");
          }
        }
      }
    }
  }

  @Override
  public void failed(String function, JsonNode input, Throwable error, long millis) {
    if (LocalFunctions.PLAN_RUN.equals(function)) {
      planError = error;
      return;
    }
    String table = name(input.path("source").asText(null), input.path("database").asText(), input.path("table").asText());
    String what = function + (input.hasNonNull("range") ? " range " + input.get("range").path("id").asText()
        : input.hasNonNull("rangeId") ? " range " + input.get("rangeId").asText() : "");
    String message = error.getClass().getSimpleName() + ": " + String.valueOf(error.getMessage()).replaceAll("\\s+", " ");
    if (input.has("table")) {
      lastErrors.put(table, message);
      print("  %s: %s failed: %s%n", table, what, message);
    } else {
      print("  %s failed: %s%n", function, message);
    }
  }

  @Override
  public void event(JsonNode event) {
    if ("StateRetried".equals(event.path("type").asText())) {
      print("  retrying %s (retry %d)%n", event.path("state").asText(), event.path("attempt").asInt());
    }
  }

  /** True when the table's BigQuery load (here, the DuckDB warehouse) succeeded. */
  boolean loaded(String table) {
    return "SUCCEEDED".equals(loadStates.get(table));
  }

  /** The full export results of a table, in range order (ExportTable's slim outputs name them in S3). */
  List<ExportResult> exports(String table) {
    List<AnyExportResult> list = new ArrayList<>(exports.getOrDefault(table, List.of()));
    list.sort(Comparator.comparing(r -> r.range() == null ? "" : r.range().label()));
    return list.stream().map(results::full).toList();
  }

  /** SummarizeRun's note per table (a merge, a load skipped), by table name. */
  Map<String, String> tableNotes() {
    return new java.util.TreeMap<>(summaryField("note"));
  }

  /** One field of SummarizeRun's table lines, by table name, for the lines that have it. */
  private Map<String, String> summaryField(String field) {
    Map<String, String> values = new HashMap<>();
    for (JsonNode t : summary == null ? JSON.createArrayNode() : summary.path("tables")) {
      if (t.hasNonNull(field)) {
        values.put(name(t.path("source").asText(null), t.get("database").asText(), t.get("table").asText()),
            t.get(field).asText());
      }
    }
    return values;
  }

  /** Why each table failed: SummarizeRun's line for it, else the last error its handlers raised. */
  Map<String, String> tableErrors(StateMachineRunner.Execution execution) {
    if (summary != null) {
      return summaryField("error");
    }
    Map<String, String> errors = new HashMap<>();
    errors.putAll(lastErrors);
    if (!execution.succeeded() && plan != null) {
      for (RunPlan.TablePlan t : plan.tables()) {
        errors.putIfAbsent(name(t.source(), t.database(), t.table()), execution.error() + ": " + execution.cause());
      }
    }
    return errors;
  }

  /** Everything the handlers returned, and how the execution ended. */
  synchronized ObjectNode outputs(StateMachineRunner.Execution execution) {
    ObjectNode o = JSON.createObjectNode();
    o.putObject("execution").put("name", execution.name()).put("status", execution.status())
        .put("error", execution.error()).put("cause", execution.cause());
    o.set("plan", planOutput);
    ArrayNode e = o.putArray("exports");
    exportOutputs.forEach(e::add);
    ArrayNode p = o.putArray("publishes");
    publishOutputs.forEach(p::add);
    if (!loadOutputs.isEmpty()) {
      ArrayNode l = o.putArray("loads");
      loadOutputs.forEach(l::add);
    }
    o.set("summary", summary);
    return o;
  }

  private int expectedRanges(String table) {
    RunPlan p = plan;
    if (p != null) {
      for (RunPlan.TablePlan t : p.tables()) {
        if (table.equals(name(t.source(), t.database(), t.table()))) {
          return t.expectedRanges();
        }
      }
    }
    return 0;
  }

  /** How the run names a table: {@code database.table}, or {@code source.database.table} for a named source. */
  static String name(String source, String database, String table) {
    return (source == null || source.isEmpty() ? "" : source + ".") + database + "." + table;
  }

  private void print(String format, Object... args) {
    synchronized (out) {
      out.printf(format, args);
    }
  }

  private static <T> T read(JsonNode node, Class<T> type) {
    try {
      return JSON.treeToValue(node, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
