package dev.rds2bq.localgcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of the BigQuery REST API (v2) the load step uses: datasets get and insert, tables get,
 * insert and patch, over the {@link Warehouse}. Errors have BigQuery's JSON shape, so the real
 * {@code google-cloud-bigquery} client maps them as it maps Google's.
 */
public final class LocalBigQueryRest implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DATASETS = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets");
  private static final Pattern DATASET = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)");
  private static final Pattern TABLES = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables");
  private static final Pattern TABLE = Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)");
  private static final Pattern TABLE_DATA =
      Pattern.compile("/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)/data");
  private static final Pattern JOBS = Pattern.compile("/bigquery/v2/projects/([^/]+)/jobs");
  private static final Pattern JOB = Pattern.compile("/bigquery/v2/projects/([^/]+)/jobs/([^/]+)");
  private static final Pattern QUERIES = Pattern.compile("/bigquery/v2/projects/([^/]+)/queries");
  private static final Pattern QUERY_RESULTS = Pattern.compile("/bigquery/v2/projects/([^/]+)/queries/([^/]+)");

  private final Warehouse warehouse;
  private final HttpServer server;
  private final Predicate<String> authorized;
  private final Map<String, List<int[]>> faults = new ConcurrentHashMap<>();
  private final LocalQueryJobs jobs;

  /** Plain HTTP, any caller. */
  public LocalBigQueryRest(Warehouse warehouse) throws IOException {
    this(warehouse, HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), header -> true);
  }

  /**
   * HTTPS with this certificate; a request whose {@code Authorization} header {@code authorized}
   * refuses gets BigQuery's 401.
   */
  public LocalBigQueryRest(Warehouse warehouse, ServerTls tls, Predicate<String> authorized) throws IOException {
    this(warehouse, https(tls), authorized);
  }

  private static HttpServer https(ServerTls tls) throws IOException {
    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext()));
    return https;
  }

  private LocalBigQueryRest(Warehouse warehouse, HttpServer server, Predicate<String> authorized) {
    this.warehouse = warehouse;
    this.server = server;
    this.authorized = authorized;
    this.jobs = new LocalQueryJobs(warehouse);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-bigquery-rest");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  /** The value for {@code BigQueryOptions.Builder.setHost}. */
  public String host() {
    return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Makes the next {@code times} requests with this method ("GET", "POST", "PATCH") answer {@code httpStatus}. */
  public void failNext(String method, int httpStatus, int times) {
    List<int[]> list = faults.computeIfAbsent(method, k -> new CopyOnWriteArrayList<>());
    for (int i = 0; i < times; i++) {
      list.add(new int[] {httpStatus});
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      if (override != null) {
        method = override;
      }
      if (!authorized.test(ex.getRequestHeaders().getFirst("Authorization"))) {
        error(ex, 401, "authError", "Request is missing required authentication credential. Expected OAuth 2"
            + " access token, login cookie or other valid authentication credential.");
        return;
      }
      List<int[]> planned = faults.get(method);
      if (planned != null && !planned.isEmpty()) {
        int status = planned.remove(0)[0];
        error(ex, status, status == 403 ? "accessDenied" : status == 503 ? "backendError" : "invalid",
            "injected " + status + " for " + method);
        return;
      }
      String path = ex.getRequestURI().getPath();
      Map<String, String> params = params(ex.getRequestURI().getRawQuery());
      Matcher m;
      if ((m = JOBS.matcher(path)).matches() && method.equals("POST")) {
        send(ex, jobs.insert(m.group(1), body(ex)));
      } else if ((m = JOB.matcher(path)).matches() && method.equals("GET")) {
        send(ex, jobs.get(m.group(1), m.group(2)));
      } else if ((m = QUERIES.matcher(path)).matches() && method.equals("POST")) {
        send(ex, jobs.query(m.group(1), body(ex)));
      } else if ((m = QUERY_RESULTS.matcher(path)).matches() && method.equals("GET")) {
        send(ex, jobs.results(m.group(1), m.group(2), params));
      } else if ((m = TABLE_DATA.matcher(path)).matches() && method.equals("GET")) {
        LocalQueryJobs.Reply anonymous = jobs.anonymousTableData(m.group(2), m.group(3), params);
        send(ex, anonymous != null ? anonymous : jobs.tableData(m.group(2), m.group(3), params));
      } else if ((m = TABLE.matcher(path)).matches()) {
        table(ex, method, m.group(1), m.group(2), m.group(3));
      } else if ((m = TABLES.matcher(path)).matches() && method.equals("POST")) {
        insertTable(ex, m.group(1), m.group(2));
      } else if ((m = DATASET.matcher(path)).matches() && method.equals("GET")) {
        var ds = warehouse.dataset(m.group(2));
        if (ds.isEmpty()) {
          error(ex, 404, "notFound", "Not found: Dataset " + m.group(1) + ":" + m.group(2));
        } else {
          reply(ex, 200, datasetJson(m.group(1), ds.get()));
        }
      } else if ((m = DATASETS.matcher(path)).matches() && method.equals("POST")) {
        JsonNode body = body(ex);
        String id = body.path("datasetReference").path("datasetId").asText();
        String location = body.path("location").asText("US");
        if (!id.matches("[A-Za-z0-9_]{1,1024}")) {
          error(ex, 400, "invalid", "Invalid dataset ID \"" + id + "\".");
        } else if (warehouse.dataset(id).isPresent()) {
          error(ex, 409, "duplicate", "Already Exists: Dataset " + m.group(1) + ":" + id);
        } else {
          warehouse.createDataset(id, location);
          reply(ex, 200, datasetJson(m.group(1), new Warehouse.Dataset(id, location)));
        }
      } else {
        error(ex, 404, "notFound", "Not found: URL " + method + " " + path + " (not served by the local stand-in)");
      }
    } catch (RuntimeException | IOException e) {
      error(ex, 500, "internalError", e.toString());
    }
  }

  /** Every statement a query job ran, as sent, oldest first. */
  public List<String> queryStatements() {
    return jobs.statements();
  }

  /** After the next MERGE into {@code dataset.table}, runs {@code duckSql} once (fault injection for tests). */
  public void alterAfterMerge(String dataset, String table, String duckSql) {
    jobs.alterAfterMerge(dataset, table, duckSql);
  }

  private static void send(HttpExchange ex, LocalQueryJobs.Reply reply) throws IOException {
    if (reply.body() != null) {
      reply(ex, reply.status(), reply.body());
    } else {
      error(ex, reply.status(), reply.reason(), reply.message());
    }
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> out = new java.util.HashMap<>();
    if (rawQuery == null) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      out.put(key, value);
    }
    return out;
  }

  private void table(HttpExchange ex, String method, String project, String dataset, String id) throws IOException {
    var existing = warehouse.table(dataset, id);
    if (existing.isEmpty()) {
      error(ex, 404, "notFound", "Not found: Table " + project + ":" + dataset + "." + id);
      return;
    }
    switch (method) {
      case "GET" -> reply(ex, 200, tableJson(project, existing.get()));
      case "DELETE" -> {
        warehouse.dropTable(dataset, id);
        ex.sendResponseHeaders(204, -1);
      }
      case "PATCH", "PUT" -> {
        JsonNode body = body(ex);
        List<Warehouse.Field> fields = body.has("schema") ? fields(body.path("schema")) : existing.get().fields();
        String badName = BigQueryColumnNames.refusal(fields.stream().map(Warehouse.Field::name).toList());
        if (badName != null) {
          error(ex, 400, "invalid", badName);
          return;
        }
        for (Warehouse.Field old : existing.get().fields()) {
          var now = fields.stream().filter(f -> f.name().equalsIgnoreCase(old.name())).findFirst();
          if (now.isEmpty()) {
            error(ex, 400, "invalid", "Provided Schema does not match Table " + project + ":" + dataset + "." + id
                + ". Cannot remove field " + old.name() + ".");
            return;
          }
          if (!sameType(now.get().type(), old.type())) {
            error(ex, 400, "invalid", "Provided Schema does not match Table " + project + ":" + dataset + "." + id
                + ". Field " + old.name() + " has changed type from " + old.type() + " to " + now.get().type());
            return;
          }
        }
        for (Warehouse.Field f : fields) {
          boolean isNew = existing.get().fields().stream().noneMatch(o -> o.name().equalsIgnoreCase(f.name()));
          if (isNew && "REQUIRED".equals(f.mode())) {
            error(ex, 400, "invalid", "Provided Schema does not match Table " + project + ":" + dataset + "." + id
                + ". Cannot add required field " + f.name() + ".");
            return;
          }
        }
        String description = body.has("description") ? body.get("description").asText() : existing.get().description();
        Warehouse.Table was = existing.get();
        if (body.has("timePartitioning") && !samePartitioning(body.path("timePartitioning"), was)) {
          error(ex, 400, "invalid", "Cannot change partitioning spec for table " + project + ":" + dataset + "." + id
              + ". The partitioning spec of an existing table cannot be changed.");
          return;
        }
        Warehouse.Table updated = new Warehouse.Table(dataset, id, fields, description, was.partitionType(),
            was.partitionField(), was.clustering());
        warehouse.updateTable(updated);
        reply(ex, 200, tableJson(project, updated));
      }
      default -> error(ex, 405, "invalid", "method " + method + " not allowed on a table");
    }
  }

  private void insertTable(HttpExchange ex, String project, String dataset) throws IOException {
    if (warehouse.dataset(dataset).isEmpty()) {
      error(ex, 404, "notFound", "Not found: Dataset " + project + ":" + dataset);
      return;
    }
    JsonNode body = body(ex);
    String id = body.path("tableReference").path("tableId").asText();
    if (!id.matches("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd} ]{1,1024}")) {
      error(ex, 400, "invalid", "Invalid table ID \"" + id + "\".");
      return;
    }
    if (warehouse.table(dataset, id).isPresent()) {
      error(ex, 409, "duplicate", "Already Exists: Table " + project + ":" + dataset + "." + id);
      return;
    }
    List<Warehouse.Field> fields = fields(body.path("schema"));
    String badName = BigQueryColumnNames.refusal(fields.stream().map(Warehouse.Field::name).toList());
    if (badName != null) {
      error(ex, 400, "invalid", badName);
      return;
    }
    for (Warehouse.Field f : fields) {
      try {
        Warehouse.duckType(f.type());
      } catch (IllegalArgumentException e) {
        error(ex, 400, "invalid", "Invalid field type " + f.type() + " for field " + f.name());
        return;
      }
    }
    JsonNode partitioning = body.path("timePartitioning");
    String partitionType = partitioning.isMissingNode() || partitioning.isNull() ? null
        : partitioning.path("type").asText("DAY");
    String partitionField = partitionType == null ? null : partitioning.path("field").asText(null);
    List<String> clustering = new ArrayList<>();
    body.path("clustering").path("fields").forEach(f -> clustering.add(f.asText()));
    String refused = layoutRefusal(fields, partitionType, partitionField, clustering);
    if (refused != null) {
      error(ex, 400, "invalid", refused);
      return;
    }
    Warehouse.Table table = new Warehouse.Table(dataset, id, fields, body.path("description").asText(null),
        partitionType, partitionField, clustering);
    warehouse.createTable(table);
    reply(ex, 200, tableJson(project, table));
  }

  /**
   * BigQuery's rules for a new table's layout (docs "Creating partitioned tables", "Creating clustered
   * tables"): a partitioning column of type DATE, DATETIME or TIMESTAMP (HOUR not on DATE), at most
   * four clustering columns, each a top-level column of an orderable type other than FLOAT64.
   */
  private static String layoutRefusal(List<Warehouse.Field> fields, String type, String field, List<String> clustering) {
    if (type != null && !List.of("HOUR", "DAY", "MONTH", "YEAR").contains(type)) {
      return "Invalid time partitioning type " + type;
    }
    if (field != null) {
      Warehouse.Field f = fields.stream().filter(x -> x.name().equalsIgnoreCase(field)).findFirst().orElse(null);
      if (f == null) {
        return "The field specified for time partitioning can only be found in the schema: " + field + " is not";
      }
      String t = canonical(f.type());
      if (!List.of("DATE", "DATETIME", "TIMESTAMP").contains(t)) {
        return "The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME. The type"
            + " found is: " + t + ".";
      }
      if (t.equals("DATE") && type.equals("HOUR")) {
        return "HOUR partitioning is not supported on DATE field " + field;
      }
    }
    if (clustering.size() > 4) {
      return "Too many clustering fields: " + clustering.size() + ", only 4 are allowed";
    }
    for (String c : clustering) {
      Warehouse.Field f = fields.stream().filter(x -> x.name().equalsIgnoreCase(c)).findFirst().orElse(null);
      if (f == null) {
        return "The field specified for clustering cannot be found in the schema. Invalid field: " + c + ".";
      }
      if (List.of("FLOAT", "BYTES", "JSON").contains(canonical(f.type()))) {
        return "Field " + c + " is of type " + f.type() + " which is not supported for clustering.";
      }
    }
    return null;
  }

  private static boolean samePartitioning(JsonNode requested, Warehouse.Table table) {
    String type = requested.isNull() ? null : requested.path("type").asText("DAY");
    String field = requested.isNull() ? null : requested.path("field").asText(null);
    return java.util.Objects.equals(type, table.partitionType()) && java.util.Objects.equals(field, table.partitionField());
  }

  /** The request's JSON; Google's HTTP client gzips request bodies. */
  private static JsonNode body(HttpExchange ex) throws IOException {
    java.io.InputStream in = ex.getRequestBody();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new java.util.zip.GZIPInputStream(in);
    }
    return JSON.readTree(in);
  }

  private static boolean sameType(String a, String b) {
    return canonical(a).equals(canonical(b));
  }

  private static String canonical(String type) {
    return switch (type.toUpperCase()) {
      case "INT64" -> "INTEGER";
      case "FLOAT64" -> "FLOAT";
      case "BOOL" -> "BOOLEAN";
      case "NUMERIC", "DECIMAL" -> "NUMERIC";
      case "BIGNUMERIC", "BIGDECIMAL" -> "BIGNUMERIC";
      default -> type.toUpperCase();
    };
  }

  private static List<Warehouse.Field> fields(JsonNode schema) {
    List<Warehouse.Field> out = new ArrayList<>();
    for (JsonNode f : schema.path("fields")) {
      out.add(new Warehouse.Field(f.path("name").asText(), f.path("type").asText(),
          f.path("mode").asText("NULLABLE"), f.hasNonNull("description") ? f.get("description").asText() : null));
    }
    return out;
  }

  private static ObjectNode datasetJson(String project, Warehouse.Dataset ds) {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "bigquery#dataset");
    n.put("id", project + ":" + ds.id());
    n.putObject("datasetReference").put("projectId", project).put("datasetId", ds.id());
    n.put("location", ds.location());
    return n;
  }

  private ObjectNode tableJson(String project, Warehouse.Table t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("kind", "bigquery#table");
    n.put("id", project + ":" + t.dataset() + "." + t.id());
    n.putObject("tableReference").put("projectId", project).put("datasetId", t.dataset()).put("tableId", t.id());
    n.put("type", "TABLE");
    if (t.description() != null && !t.description().isEmpty()) {
      n.put("description", t.description());
    }
    ArrayNode fields = n.putObject("schema").putArray("fields");
    for (Warehouse.Field f : t.fields()) {
      ObjectNode fn = fields.addObject().put("name", f.name()).put("type", f.type()).put("mode", f.mode() == null ? "NULLABLE" : f.mode());
      if (f.description() != null) {
        fn.put("description", f.description());
      }
    }
    if (t.partitionType() != null) {
      ObjectNode p = n.putObject("timePartitioning").put("type", t.partitionType());
      if (t.partitionField() != null) {
        p.put("field", t.partitionField());
      }
    }
    if (!t.clustering().isEmpty()) {
      ArrayNode c = n.putObject("clustering").putArray("fields");
      t.clustering().forEach(c::add);
    }
    n.put("numRows", String.valueOf(warehouse.count(t.dataset(), t.id())));
    n.put("location", warehouse.dataset(t.dataset()).map(Warehouse.Dataset::location).orElse("US"));
    return n;
  }

  private static void error(HttpExchange ex, int status, String reason, String message) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    ObjectNode e = n.putObject("error");
    e.put("code", status);
    e.put("message", message);
    e.putArray("errors").addObject().put("domain", "global").put("reason", reason).put("message", message);
    e.put("status", switch (status) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ALREADY_EXISTS";
      case 503 -> "UNAVAILABLE";
      default -> "INTERNAL";
    });
    reply(ex, status, n);
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
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
