package dev.rds2bq.load.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.metrics.EmfTableMetrics;
import dev.rds2bq.load.LoadChecker;
import dev.rds2bq.load.LoadsStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;

/** CheckLoads: the StartLoads (or previous CheckLoads) output in, the same with fresh states out. */
public final class CheckLoadsHandler implements RequestStreamHandler {
  private final LoadChecker checker;

  public CheckLoadsHandler() {
    LoadEnvironment env = LoadEnvironment.load();
    this.checker = new LoadChecker(env.bigquery, env.clients,
        Duration.ofMinutes(env.config.run().loadTimeoutMinutes()), Clock.systemUTC(),
        EmfTableMetrics.fromEnvironment(System.getenv()));
  }

  public CheckLoadsHandler(LoadChecker checker) {
    this.checker = checker;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    LoadsStatus status;
    try {
      status = StartLoadsHandler.JSON.readValue(input, LoadsStatus.class);
    } catch (IOException e) {
      throw new InvalidInputException("CheckLoads input is not the StartLoads output {runId, startedAt, loads}: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    StartLoadsHandler.JSON.writeValue(output, checker.check(status));
  }
}
