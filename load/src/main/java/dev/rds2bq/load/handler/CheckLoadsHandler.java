package dev.rds2bq.load.handler;

import dev.rds2bq.handler.JsonHandler;
import dev.rds2bq.metrics.EmfTableMetrics;
import dev.rds2bq.load.LoadChecker;
import dev.rds2bq.load.LoadsStatus;
import java.time.Clock;
import java.time.Duration;

/** CheckLoads: the StartLoads (or previous CheckLoads) output in, the same with fresh states out. */
public final class CheckLoadsHandler extends JsonHandler<LoadsStatus, LoadsStatus> {
  private final LoadChecker checker;

  public CheckLoadsHandler() {
    this(newChecker(LoadEnvironment.load()));
  }

  public CheckLoadsHandler(LoadChecker checker) {
    super("CheckLoads", LoadsStatus.class, "the StartLoads output {runId, startedAt, loads}", LENIENT);
    this.checker = checker;
  }

  private static LoadChecker newChecker(LoadEnvironment env) {
    return new LoadChecker(env.bigquery, env.clients, env.store(),
        Duration.ofMinutes(env.config.run().loadTimeoutMinutes()), Clock.systemUTC(),
        EmfTableMetrics.fromEnvironment(System.getenv()), dev.rds2bq.contract.BucketLayout.of(env.config),
        env.config.incremental());
  }

  @Override
  protected LoadsStatus handle(LoadsStatus status) {
    return checker.check(status);
  }
}
