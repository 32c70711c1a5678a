package dev.rds2bq.load.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.load.LoadStarter;
import dev.rds2bq.load.StartLoadsRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * StartLoads: {@code {runId, runDate, tables: [table outcomes]}} in, {@code {runId, startedAt, done,
 * loads: [...]}} out (events/StartLoads/, docs/loading.md).
 */
public final class StartLoadsHandler implements RequestStreamHandler {
  static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final LoadStarter starter;

  public StartLoadsHandler() {
    LoadEnvironment env = LoadEnvironment.load();
    this.starter = new LoadStarter(env.store(), env.config.bucket(), env.bigquery, env.clients, env.accessKey(),
        Clock.systemUTC());
  }

  public StartLoadsHandler(LoadStarter starter) {
    this.starter = starter;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    StartLoadsRequest request;
    try {
      request = JSON.readValue(input, StartLoadsRequest.class);
    } catch (IOException e) {
      throw new InvalidInputException("StartLoads input is not {runId, runDate, tables}: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    JSON.writeValue(output, starter.start(request));
  }
}
