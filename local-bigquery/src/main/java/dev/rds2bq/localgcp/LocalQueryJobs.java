package dev.rds2bq.localgcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Query jobs of the BigQuery REST API (v2) over the {@link Warehouse}: {@code jobs.insert} with a
 * query configuration, {@code jobs.query}, {@code jobs.get}, {@code jobs.getQueryResults} and
 * {@code tabledata.list}, in the shapes the {@code google-cloud-bigquery} client reads. A job runs to
 * its end inside the request that creates it, so every job a client sees is DONE: a real job may
 * still be RUNNING at its first poll, which the client's polling handles either way.
 *
 * <p>The SQL is GoogleSQL turned into DuckDB's by {@link GoogleSql}; what it cannot run the same way
 * fails the job as {@code invalidQuery} with the construct named, as BigQuery fails a query it
 * cannot parse. Results of a query without a destination table are kept in memory, as BigQuery keeps
 * them in an anonymous table, and read through that table's name.
 */
final class LocalQueryJobs {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The dataset BigQuery names anonymous result tables in; a leading underscore hides it in the console. */
  static final String ANONYMOUS_DATASET = "_rds2bq_local_results";

  private final Warehouse warehouse;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final List<String> statements = new CopyOnWriteArrayList<>();

  /** One job: its resource as jobs.get returns it, and the rows of a query that returned rows. */
  private record Job(ObjectNode resource, Warehouse.Result result, ObjectNode error) {}

  LocalQueryJobs(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  private final Map<String, String> alterAfterMerge = new ConcurrentHashMap<>();

  /**
   * After the next MERGE into {@code dataset.table}, runs {@code duckSql} on the warehouse once: a
   * merge that changes values on the way (a coercion BigQuery would apply), for the tests of the
   * check after a merge.
   */
  void alterAfterMerge(String dataset, String table, String duckSql) {
    alterAfterMerge.put(dataset + "." + table, duckSql);
  }

  /** Every statement a job ran, in GoogleSQL as sent, oldest first: tests check what the product asked. */
  List<String> statements() {
    return List.copyOf(statements);
  }

  /** jobs.insert: runs the query job now; a job id used before is 409, as BigQuery answers. */
  Reply insert(String project, JsonNode body) {
    JsonNode query = body.path("configuration").path("query");
    if (query.isMissingNode()) {
      return Reply.error(400, "invalid", "the local stand-in serves query jobs only; load, copy and extract jobs"
          + " are not served");
    }
    String jobId = body.path("jobReference").path("jobId").asText("");
    if (jobId.isEmpty()) {
      jobId = "job_local_" + ids.incrementAndGet();
    } else if (!jobId.matches("[A-Za-z0-9_-]{1,1024}")) {
      return Reply.error(400, "invalid", "Invalid job ID \"" + jobId + "\"");
    }
    if (jobs.containsKey(project + ":" + jobId)) {
      return Reply.error(409, "duplicate", "Already Exists: Job " + project + ":" + location(body.path("jobReference"))
          + "." + jobId);
    }
    Job job = run(project, jobId, location(body.path("jobReference")), query, body.path("configuration"));
    return Reply.ok(job.resource());
  }

  /** jobs.query: the same job, answered with its first page of rows, or 400 when it failed. */
  Reply query(String project, JsonNode body) {
    String jobId = "job_local_" + ids.incrementAndGet();
    ObjectNode configuration = JSON.createObjectNode();
    ObjectNode query = configuration.putObject("query");
    query.set("query", body.path("query"));
    for (String key : List.of("useLegacySql", "defaultDataset", "queryParameters", "parameterMode")) {
      if (body.has(key)) {
        query.set(key, body.get(key));
      }
    }
    if (body.path("dryRun").asBoolean(false)) {
      return Reply.error(400, "invalid", "dry runs are not served by the local stand-in");
    }
    Job job = run(project, jobId, body.path("location").asText("US"), query, configuration);
    if (job.error() != null) {
      return Reply.error(400, job.error().path("reason").asText(), job.error().path("message").asText());
    }
    ObjectNode response = results(job, body.path("maxResults").asLong(-1), 0, useInt64(body.path("formatOptions")));
    response.put("kind", "bigquery#queryResponse");
    response.put("queryId", jobId);
    response.put("totalBytesProcessed", job.resource().path("statistics").path("totalBytesProcessed").asText("0"));
    return Reply.ok(response);
  }

  /** jobs.get. */
  Reply get(String project, String jobId) {
    Job job = jobs.get(project + ":" + jobId);
    return job == null ? Reply.error(404, "notFound", "Not found: Job " + project + ":" + jobId) : Reply.ok(job.resource());
  }

  /** jobs.getQueryResults: a failed job's error comes back as the HTTP error, as BigQuery does. */
  Reply results(String project, String jobId, Map<String, String> params) {
    Job job = jobs.get(project + ":" + jobId);
    if (job == null) {
      return Reply.error(404, "notFound", "Not found: Job " + project + ":" + jobId);
    }
    if (job.error() != null) {
      return Reply.error(400, job.error().path("reason").asText(), job.error().path("message").asText());
    }
    long max = params.containsKey("maxResults") ? Long.parseLong(params.get("maxResults")) : -1;
    long start = start(params);
    ObjectNode response = results(job, max, start, "true".equals(params.get("formatOptions.useInt64Timestamp")));
    response.put("kind", "bigquery#getQueryResultsResponse");
    return Reply.ok(response);
  }

  /** tabledata.list of an anonymous result table, or null when the table is not one. */
  Reply anonymousTableData(String dataset, String table, Map<String, String> params) {
    if (!ANONYMOUS_DATASET.equals(dataset)) {
      return null;
    }
    Job job = jobs.values().stream().filter(j -> table.equals(j.resource().path("configuration").path("query")
        .path("destinationTable").path("tableId").asText())).findFirst().orElse(null);
    if (job == null || job.result() == null) {
      return Reply.error(404, "notFound", "Not found: Table " + dataset + "." + table);
    }
    return Reply.ok(tableData(job.result(), params));
  }

  /** tabledata.list of a warehouse table. */
  Reply tableData(String dataset, String table, Map<String, String> params) {
    if (warehouse.table(dataset, table).isEmpty()) {
      return Reply.error(404, "notFound", "Not found: Table " + dataset + "." + table);
    }
    try {
      boolean hidden = warehouse.table(dataset, table).get().ingestionTimePartitioned();
      return Reply.ok(tableData(warehouse.run("SELECT *" + (hidden ? " EXCLUDE (" + Warehouse.quote(Warehouse.PARTITION_TIME)
          + ")" : "") + " FROM " + Warehouse.qualified(dataset, table), List.of(), null, false), params));
    } catch (SQLException e) {
      return Reply.error(500, "internalError", e.getMessage());
    }
  }

  private ObjectNode tableData(Warehouse.Result result, Map<String, String> params) {
    long max = params.containsKey("maxResults") ? Long.parseLong(params.get("maxResults")) : -1;
    ObjectNode page = page(result, max, start(params), "true".equals(params.get("formatOptions.useInt64Timestamp")));
    page.put("kind", "bigquery#tableDataList");
    page.remove("schema");
    return page;
  }

  private Job run(String project, String jobId, String location, JsonNode query, JsonNode configuration) {
    String sql = query.path("query").asText("");
    statements.add(sql);
    ObjectNode resource = JSON.createObjectNode();
    resource.put("kind", "bigquery#job");
    resource.put("id", project + ":" + location + "." + jobId);
    resource.putObject("jobReference").put("projectId", project).put("jobId", jobId).put("location", location);
    ObjectNode config = configuration.deepCopy();
    ObjectNode queryConfig = (ObjectNode) config.path("query");
    long started = Instant.now().toEpochMilli();
    ObjectNode statistics = resource.putObject("statistics");
    statistics.put("creationTime", String.valueOf(started)).put("startTime", String.valueOf(started));
    ObjectNode status = resource.putObject("status");
    resource.set("configuration", config);
    Warehouse.Result result = null;
    ObjectNode error = null;
    try {
      if (query.path("useLegacySql").asBoolean(true)) {
        throw new GoogleSql.Refused("legacy SQL is not served by the local stand-in; set useLegacySql to false");
      }
      GoogleSql.Translated translated = GoogleSql.toDuckDb(sql, project);
      List<Object> values = parameters(translated.parameters(), query);
      String[] destination = destination(project, queryConfig);
      String disposition = query.path("writeDisposition").asText("WRITE_EMPTY");
      if (destination != null) {
        // A partition decorator ($YYYYMMDD) names a partition of the table, which must exist.
        String base = destination[1].replaceFirst("\\$.*", "");
        boolean exists = warehouse.table(destination[0], base).isPresent();
        if (!exists && !base.equals(destination[1])) {
          throw new GoogleSql.Refused("Not found: Table " + project + ":" + destination[0] + "." + base);
        }
        if (!exists && "CREATE_NEVER".equals(query.path("createDisposition").asText())) {
          throw new GoogleSql.Refused("Not found: Table " + project + ":" + destination[0] + "." + destination[1]);
        }
        if (exists && disposition.equals("WRITE_EMPTY") && warehouse.count(destination[0], base) > 0) {
          throw new GoogleSql.Refused("Already Exists: Table " + project + ":" + destination[0] + "." + destination[1]);
        }
      }
      result = warehouse.run(translated.sql(), values, destination, "WRITE_TRUNCATE".equals(disposition));
      if (statementType(sql).equals("MERGE") && !translated.tables().isEmpty()) {
        String altered = alterAfterMerge.remove(String.join(".", translated.tables().get(0)));
        if (altered != null) {
          warehouse.execute(altered);
        }
      }
      long bytes = bytesProcessed(sql, translated.tables());
      statistics.put("totalBytesProcessed", String.valueOf(bytes));
      ObjectNode queryStats = statistics.putObject("query");
      queryStats.put("totalBytesProcessed", String.valueOf(bytes)).put("totalBytesBilled", String.valueOf(billed(bytes)))
          .put("cacheHit", false).put("statementType", statementType(sql));
      if (result.dmlAffectedRows() != null && destination == null) {
        queryStats.put("numDmlAffectedRows", String.valueOf(result.dmlAffectedRows()));
      }
      if (destination == null) {
        if (result.dmlAffectedRows() == null) {
          // An anonymous table for the rows, as BigQuery names one in the job's configuration.
          queryConfig.putObject("destinationTable").put("projectId", project).put("datasetId", ANONYMOUS_DATASET)
              .put("tableId", "anon_" + jobId);
        }
      } else {
        result = new Warehouse.Result(result.columns(), List.of(), null);
      }
      ArrayNode fields = statistics.path("query").isObject()
          ? ((ObjectNode) statistics.get("query")).putObject("schema").putArray("fields") : null;
      for (Warehouse.Column c : result.columns()) {
        fields.addObject().put("name", c.name()).put("type", c.type()).put("mode", "NULLABLE");
      }
    } catch (GoogleSql.Refused e) {
      error = errorProto("invalidQuery", e.getMessage());
    } catch (SQLException e) {
      error = errorProto("invalidQuery", "the local warehouse could not run the query: "
          + e.getMessage().lines().findFirst().orElse(""));
    } catch (RuntimeException e) {
      error = errorProto("invalidQuery", e.getMessage());
    }
    statistics.put("endTime", String.valueOf(Instant.now().toEpochMilli()));
    status.put("state", "DONE");
    if (error != null) {
      status.set("errorResult", error);
      status.putArray("errors").add(error.deepCopy());
      result = null;
    }
    Job job = new Job(resource, result, error);
    jobs.put(project + ":" + jobId, job);
    return job;
  }

  private static String[] destination(String project, ObjectNode queryConfig) {
    JsonNode d = queryConfig.path("destinationTable");
    if (d.isMissingNode() || d.isNull()) {
      return null;
    }
    if (!project.equals(d.path("projectId").asText(project))) {
      throw new GoogleSql.Refused("the destination table is in project " + d.path("projectId").asText()
          + "; the local warehouse holds project " + project + " only");
    }
    return new String[] {d.path("datasetId").asText(), d.path("tableId").asText()};
  }

  /** Scalar query parameters, named or positional, in the order the translated SQL binds them. */
  private static List<Object> parameters(List<String> names, JsonNode query) {
    JsonNode given = query.path("queryParameters");
    List<Object> out = new ArrayList<>();
    int positional = 0;
    for (String name : names) {
      JsonNode match = null;
      for (JsonNode p : given) {
        if (name.equals(p.path("name").asText())) {
          match = p;
        }
      }
      if (match == null) {
        throw new GoogleSql.Refused("Query parameter '" + name + "' not found");
      }
      out.add(value(match));
    }
    // Positional parameters ('?') stay '?' in the translation and bind after, in order.
    for (JsonNode p : given) {
      if (!p.has("name") || p.path("name").asText().isEmpty()) {
        out.add(value(p));
        positional++;
      }
    }
    if (positional > 0 && !names.isEmpty()) {
      throw new GoogleSql.Refused("a query takes named or positional parameters, not both");
    }
    return out;
  }

  private static Object value(JsonNode parameter) {
    String type = parameter.path("parameterType").path("type").asText();
    JsonNode v = parameter.path("parameterValue").path("value");
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    String text = v.asText();
    return switch (type) {
      case "INT64" -> Long.parseLong(text);
      case "FLOAT64" -> Double.parseDouble(text);
      case "NUMERIC", "BIGNUMERIC" -> new BigDecimal(text);
      case "BOOL" -> Boolean.parseBoolean(text);
      case "STRING" -> text;
      case "DATE" -> java.sql.Date.valueOf(text);
      case "DATETIME" -> java.sql.Timestamp.valueOf(text.replace('T', ' '));
      case "TIMESTAMP" -> java.time.OffsetDateTime.parse(text.replace(' ', 'T').replaceAll("([+-]\\d\\d)$", "$1:00")
          .replaceAll("(\\d)$", "$1Z"));
      default -> throw new GoogleSql.Refused("query parameters of type " + type + " are not served by the stand-in");
    };
  }

  /**
   * BigQuery's on-demand bytes: the logical size of each column the query names, in each table it
   * reads. A name that appears anywhere in the text counts, so this errs on the high side.
   */
  private long bytesProcessed(String sql, List<List<String>> paths) {
    Set<String> seen = new LinkedHashSet<>();
    long total = 0;
    String lower = sql.toLowerCase();
    for (List<String> p : paths) {
      if (!seen.add(p.get(0) + "." + p.get(1))) {
        continue;
      }
      var table = warehouse.table(p.get(0), p.get(1));
      if (table.isEmpty()) {
        continue;
      }
      List<String> named = table.get().fields().stream().map(Warehouse.Field::name)
          .filter(n -> lower.contains(n.toLowerCase()) || lower.matches("(?s).*select\\s+\\*.*")).toList();
      total += warehouse.logicalBytes(p.get(0), p.get(1), named);
    }
    return total;
  }

  /** On-demand billing rounds each table up to 10 MB, and a query to at least 10 MB. */
  private static long billed(long bytes) {
    long mb10 = 10L * 1024 * 1024;
    return bytes == 0 ? 0 : Math.max(mb10, bytes);
  }

  private static String statementType(String sql) {
    String first = sql.strip().split("\\s+", 2)[0].toUpperCase();
    return switch (first) {
      case "MERGE", "INSERT", "UPDATE", "DELETE" -> first;
      default -> "SELECT";
    };
  }

  private static ObjectNode errorProto(String reason, String message) {
    return JSON.createObjectNode().put("reason", reason).put("location", "query").put("message", message);
  }

  private static String location(JsonNode jobReference) {
    return jobReference.path("location").asText("US");
  }

  private static boolean useInt64(JsonNode formatOptions) {
    return formatOptions.path("useInt64Timestamp").asBoolean(false);
  }

  private static long start(Map<String, String> params) {
    if (params.containsKey("pageToken")) {
      return Long.parseLong(params.get("pageToken"));
    }
    return params.containsKey("startIndex") ? Long.parseLong(params.get("startIndex")) : 0;
  }

  private ObjectNode results(Job job, long max, long start, boolean int64Timestamps) {
    ObjectNode response = JSON.createObjectNode();
    response.set("jobReference", job.resource().get("jobReference").deepCopy());
    response.put("jobComplete", true);
    JsonNode stats = job.resource().path("statistics").path("query");
    if (stats.has("numDmlAffectedRows")) {
      response.put("numDmlAffectedRows", stats.get("numDmlAffectedRows").asText());
    }
    if (job.result() == null || job.result().dmlAffectedRows() != null && job.result().columns().isEmpty()) {
      response.put("totalRows", "0");
      response.putObject("schema").putArray("fields");
      return response;
    }
    response.setAll(page(job.result(), max, start, int64Timestamps));
    return response;
  }

  /** Rows from {@code start}, at most {@code max} (all when negative), in BigQuery's {@code f}/{@code v} form. */
  private static ObjectNode page(Warehouse.Result result, long max, long start, boolean int64Timestamps) {
    ObjectNode page = JSON.createObjectNode();
    ArrayNode fields = page.putObject("schema").putArray("fields");
    for (Warehouse.Column c : result.columns()) {
      fields.addObject().put("name", c.name()).put("type", c.type()).put("mode", "NULLABLE");
    }
    page.put("totalRows", String.valueOf(result.rows().size()));
    long end = max < 0 ? result.rows().size() : Math.min(result.rows().size(), start + max);
    ArrayNode rows = page.putArray("rows");
    for (long r = start; r < end; r++) {
      ArrayNode cells = rows.addObject().putArray("f");
      String[] row = result.rows().get((int) r);
      for (int c = 0; c < row.length; c++) {
        String v = row[c];
        if (v != null && result.columns().get(c).type().equals("TIMESTAMP") && !int64Timestamps) {
          v = new BigDecimal(v).movePointLeft(6).toPlainString();
        }
        cells.addObject().put("v", v);
      }
    }
    if (end < result.rows().size()) {
      page.put("pageToken", String.valueOf(end));
    }
    return page;
  }

  /** An HTTP status and a JSON body, written by LocalBigQueryRest. */
  record Reply(int status, JsonNode body, String reason, String message) {
    static Reply ok(JsonNode body) {
      return new Reply(200, body, null, null);
    }

    static Reply error(int status, String reason, String message) {
      return new Reply(status, null, reason, message);
    }
  }
}
