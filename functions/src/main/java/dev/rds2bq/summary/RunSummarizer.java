package dev.rds2bq.summary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.summary.RunOutcome.ErrorInfo;
import dev.rds2bq.summary.RunOutcome.Load;
import dev.rds2bq.summary.RunOutcome.TableOutcome;
import dev.rds2bq.summary.RunSummary.TableLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how a run ended: a table fails when its export or publish failed, or when the run loads
 * and its load did not succeed. The cause names every failed table with its error on one line, short
 * enough for a Fail state's cause and a notification.
 */
public final class RunSummarizer {
  static final int MAX_ERROR_CHARS = 300;
  /** The load state of a snapshot older than the one BigQuery holds (the load module's {@code TableLoad}). */
  static final String SUPERSEDED = "SUPERSEDED";
  static final int MAX_CAUSE_CHARS = 4000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunSummarizer() {}

  public static RunSummary summarize(RunOutcome run) {
    if (run.tables() == null) {
      throw new InvalidInputException("SummarizeRun input needs 'tables', the table outcomes of the export Map");
    }
    boolean loading = !Boolean.FALSE.equals(run.load());
    Map<String, Load> loads = new HashMap<>();
    if (run.loads() != null && run.loads().loads() != null) {
      for (Load l : run.loads().loads()) {
        loads.put(l.name(), l);
      }
    }
    List<TableLine> lines = new ArrayList<>();
    List<String> superseded = new ArrayList<>();
    long reused = 0;
    long waits = 0;
    List<String> failed = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (TableOutcome t : run.tables()) {
      String error = null;
      String load = null;
      String note = null;
      boolean published = "PUBLISHED".equals(t.status()) && t.publish() != null;
      if (!published) {
        error = t.error() == null ? "not published (status " + t.status() + ")" : describe(t.error());
      } else if (!loading) {
        load = "SKIPPED";
      } else if (run.loadError() != null && loads.get(t.name()) != null) {
        // CheckLoads gave up: the transfer may still finish, so say what was last known of it.
        Load l = loads.get(t.name());
        load = l.state();
        error = "load last seen " + l.state() + ", then checking failed: " + describe(run.loadError());
      } else if (run.loadError() != null) {
        load = "NOT_STARTED";
        error = "loads failed: " + describe(run.loadError());
      } else if (loads.get(t.name()) == null) {
        load = "NOT_STARTED";
        error = "no load was started for it";
      } else {
        Load l = loads.get(t.name());
        load = l.state();
        if (SUPERSEDED.equals(l.state())) {
          // Not a failure: the table in BigQuery already holds a newer snapshot, and keeps it.
          note = l.errors() == null ? "a newer snapshot is loaded" : oneLine(String.join("; ", l.errors()));
          superseded.add(t.name());
        } else if ("SUCCEEDED".equals(l.state()) && l.merge() != null) {
          note = l.merge();
        } else if (!"SUCCEEDED".equals(l.state())) {
          error = "load " + l.state() + (l.errors() == null || l.errors().isEmpty() ? ""
              : ": " + oneLine(String.join("; ", l.errors())));
        }
      }
      lines.add(new TableLine(t.source(), t.database(), t.table(), published, published ? t.publish().rows() : null,
          published ? t.publish().files() : null, load, error, published ? positive(t.publish().rangesReused()) : null,
          published ? positive(t.publish().sourceWaits()) : null, note));
      if (published) {
        reused += count(t.publish().rangesReused());
        waits += count(t.publish().sourceWaits());
      }
      if (error != null) {
        failed.add(t.name());
        reasons.add(t.name() + ": " + error);
      }
    }
    String cause;
    if (failed.isEmpty()) {
      cause = lines.size() + " table(s) exported, published" + (loading ? " and loaded" : "; loads skipped")
          + (reused == 0 ? "" : "; " + reused + " range(s) reused from an earlier execution")
          + (waits == 0 ? "" : "; exports waited " + waits + " time(s) for replica lag")
          + (superseded.isEmpty() ? "" : "; not loaded, BigQuery holding a newer snapshot: "
              + String.join(", ", superseded));
    } else {
      cause = failed.size() + " of " + lines.size() + " table(s) failed: " + String.join(" | ", reasons);
      String more = "... (see the execution output for all " + failed.size() + ")";
      if (cause.length() > MAX_CAUSE_CHARS) {
        cause = cause.substring(0, MAX_CAUSE_CHARS - more.length()) + more;
      }
    }
    RunSummary.Rerun rerun = failed.isEmpty() ? null
        : new RunSummary.Rerun(run.runId(), run.runDate(), List.copyOf(failed), loading ? null : Boolean.FALSE);
    return new RunSummary(run.runId(), run.runDate(), failed.isEmpty() ? RunSummary.SUCCEEDED : RunSummary.FAILED,
        failed, cause, lines, rerun);
  }

  /**
   * {@code SimpleName: message} of a caught error. A Lambda function's error has its error JSON
   * ({@code errorType}, {@code errorMessage}, {@code stackTrace}) as the cause; any other cause is
   * taken as it is, and names such as {@code States.Timeout} are kept whole.
   */
  static String describe(ErrorInfo e) {
    String type = e.error() == null ? "error" : e.error();
    String message = e.cause() == null ? "" : e.cause();
    if (message.startsWith("{")) {
      try {
        JsonNode n = JSON.readTree(message);
        if (n.hasNonNull("errorMessage")) {
          message = n.get("errorMessage").asText();
          type = n.path("errorType").asText(type);
        }
      } catch (IOException notJson) {
        // Keep the cause as it came.
      }
    }
    int dot = type.lastIndexOf('.');
    if (dot > 0 && Character.isLowerCase(type.charAt(0))) {
      type = type.substring(dot + 1); // dev.rds2bq.error.DataException -> DataException
    }
    return message.isBlank() ? type : type + ": " + oneLine(message);
  }

  private static Integer positive(Integer n) {
    return n == null || n == 0 ? null : n;
  }

  private static long count(Integer n) {
    return n == null ? 0 : n;
  }

  static String oneLine(String s) {
    String line = s.replaceAll("\\s+", " ").trim();
    return line.length() <= MAX_ERROR_CHARS ? line : line.substring(0, MAX_ERROR_CHARS - 3) + "...";
  }
}
