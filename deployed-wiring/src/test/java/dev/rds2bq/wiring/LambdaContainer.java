package dev.rds2bq.wiring;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rds2bq.localrun.StateMachineRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Lambda execution environment: a fresh JVM on the function's unpacked code asset (its working
 * directory, as {@code /var/task}), started as Lambda's Java runtime starts it, with the AWS Lambda
 * Java runtime interface client as main class and the handler string as argument. The client loads
 * the handler through its public no-argument constructor, then asks this object's Runtime API for
 * invocations ({@code GET /2018-06-01/runtime/invocation/next}) and posts each response or error
 * back, so the real runtime loop and its serializer run. A SnapStart function's runtime asks for a
 * restore after init ({@code GET /2018-06-01/runtime/restore/next}), which follows at once.
 * Invocations are served one at a time.
 */
final class LambdaContainer implements RequestStreamHandler, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "/2018-06-01/runtime";

  private record Invocation(String id, byte[] payload, CompletableFuture<byte[]> result) {}

  private final String function;
  private final HttpServer server;
  private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
  private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
  private final CompletableFuture<String> initError = new CompletableFuture<>();
  private final CompletableFuture<Void> restored = new CompletableFuture<>();
  private final Process process;
  private final Path log;
  private final long timeoutMillis;

  /**
   * @param taskRoot the unpacked code asset
   * @param runtimeClasspath the runtime interface client and what it needs
   * @param environment the whole environment of the JVM: Lambda's own variables and the function's
   * @param jvmOptions system properties this one JVM gets beside Lambda's flags (a trust store)
   * @param memoryMiB the function's memory size, which bounds the heap
   */
  LambdaContainer(String function, String handler, Path taskRoot, String javaHome, String runtimeClasspath,
      Map<String, String> environment, List<String> jvmOptions, int memoryMiB, int timeoutSeconds, Path log) {
    this.function = function;
    this.log = log;
    this.timeoutMillis = timeoutSeconds * 1000L;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "runtime-api-" + function);
      t.setDaemon(true);
      return t;
    }));
    server.createContext(API + "/", this::handle);
    server.start();
    // The Java 17 runtime's documented defaults (the serial collector, C1 only) and a heap within the
    // function's memory size.
    List<String> command = new ArrayList<>(List.of(Path.of(javaHome, "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xmx" + memoryMiB * 85 / 100 + "m",
        "-Djava.io.tmpdir=" + taskRoot.resolveSibling(function + "-tmp")));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", runtimeClasspath, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler));
    ProcessBuilder pb = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    pb.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
    try {
      Files.createDirectories(log.getParent());
      Files.createDirectories(taskRoot.resolveSibling(function + "-tmp"));
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The function's output; an error of the function leaves as {@link StateMachineRunner.FunctionError}. */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    Invocation call = new Invocation(UUID.randomUUID().toString(), input.readAllBytes(), new CompletableFuture<>());
    queue.add(call);
    try {
      // The function's own timeout bounds it in Lambda; here the process ending does.
      byte[] body = CompletableFuture.anyOf(call.result(), initError, process.onExit()).thenApply(any -> {
        if (call.result().isDone()) {
          return call.result().join();
        }
        String why = initError.isDone() ? initError.join() : "the JVM exited with " + process.exitValue();
        throw new StateMachineRunner.FunctionError("Runtime.ExitError", function + " could not start: " + why + "\n"
            + tail());
      }).get();
      output.write(body);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath().substring(API.length());
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (exchange.getRequestMethod().equals("GET") && path.equals("/invocation/next")) {
        Invocation next = queue.take();
        inFlight.put(next.id(), next);
        exchange.getResponseHeaders().set("Lambda-Runtime-Aws-Request-Id", next.id());
        exchange.getResponseHeaders().set("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + timeoutMillis));
        exchange.getResponseHeaders().set("Lambda-Runtime-Invoked-Function-Arn",
            "arn:aws:lambda:us-east-1:123456789012:function:" + function);
        exchange.getResponseHeaders().set("Lambda-Runtime-Trace-Id", "Root=1-00000000-" + next.id().replace("-", "")
            .substring(0, 24) + ";Sampled=0");
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, next.payload().length);
        exchange.getResponseBody().write(next.payload());
        return;
      }
      if (exchange.getRequestMethod().equals("GET") && path.equals("/restore/next")) {
        // A SnapStart function's runtime asks here once init is done; Lambda answers when it restores
        // the snapshot. Here the restore follows init at once, so the runtime's restore hooks run.
        restored.complete(null);
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      if (path.equals("/init/error") || path.equals("/restore/error")) {
        initError.complete(new String(body, StandardCharsets.UTF_8));
      } else if (path.startsWith("/invocation/")) {
        String[] parts = path.split("/");
        Invocation call = inFlight.remove(parts[2]);
        if (call != null && parts[3].equals("response")) {
          call.result().complete(body);
        } else if (call != null && parts[3].equals("error")) {
          JsonNode error = JSON.readTree(body);
          // As Lambda reports it to Step Functions: errorType is the exception's class name.
          call.result().completeExceptionally(new StateMachineRunner.FunctionError(
              error.path("errorType").asText(), error.path("errorMessage").asText()));
        }
      }
      exchange.sendResponseHeaders(202, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the runtime asked for a SnapStart restore, as it does when initialized for a snapshot. */
  boolean restored() {
    return restored.isDone();
  }

  /** The end of the function's log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    server.stop(0);
  }
}
