package dev.rds2bq.load.handler;

import dev.rds2bq.handler.JsonHandler;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.load.LoadStarter;
import dev.rds2bq.load.LoadsStatus;
import dev.rds2bq.load.StartLoadsRequest;
import java.time.Clock;

/**
 * StartLoads: {@code {runId, runDate, tables: [table outcomes]}} in, {@code {runId, startedAt, done,
 * loads: [...]}} out (events/StartLoads/, docs/loading.md).
 */
public final class StartLoadsHandler extends JsonHandler<StartLoadsRequest, LoadsStatus> {
  private final LoadStarter starter;

  /**
   * Lambda's constructor: the Google clients are built here, and the secrets they need are read at
   * the first call (see {@link LoadEnvironment}).
   */
  public StartLoadsHandler() {
    this(newStarter(LoadEnvironment.load()));
  }

  public StartLoadsHandler(LoadStarter starter) {
    super("StartLoads", StartLoadsRequest.class, "{runId, runDate, tables}", LENIENT);
    this.starter = starter;
  }

  private static LoadStarter newStarter(LoadEnvironment env) {
    return new LoadStarter(env.store(), env.config.bucket(), BucketLayout.of(env.config), env.bigquery, env.clients,
        env::accessKey, Clock.systemUTC());
  }

  @Override
  protected LoadsStatus handle(StartLoadsRequest request) {
    return starter.start(request);
  }
}
