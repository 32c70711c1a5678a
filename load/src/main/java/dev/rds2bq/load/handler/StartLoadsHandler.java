package dev.rds2bq.load.handler;

import dev.rds2bq.handler.JsonHandler;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.load.DtsKeyAge;
import dev.rds2bq.load.LoadStarter;
import dev.rds2bq.load.LoadsStatus;
import dev.rds2bq.load.StartLoadsRequest;
import dev.rds2bq.metrics.EmfTableMetrics;
import java.time.Clock;

/**
 * StartLoads: {@code {runId, runDate, tables: [table outcomes]}} in, {@code {runId, startedAt, done,
 * loads: [...]}} out (events/StartLoads/, docs/loading.md).
 */
public final class StartLoadsHandler extends JsonHandler<StartLoadsRequest, LoadsStatus> {
  private final LoadStarter starter;
  private final Runnable afterStart;

  /**
   * Lambda's constructor: the Google clients are built here, and the secrets they need are read at
   * the first call (see {@link LoadEnvironment}).
   */
  public StartLoadsHandler() {
    this(LoadEnvironment.load());
  }

  private StartLoadsHandler(LoadEnvironment env) {
    this(newStarter(env), () -> DtsKeyAge.report(env.secrets, env.bigquery.s3AccessKeySecretId(),
        EmfTableMetrics.fromEnvironment(System.getenv()), Clock.systemUTC()));
  }

  public StartLoadsHandler(LoadStarter starter) {
    this(starter, () -> {});
  }

  /** @param afterStart run after each call's loads have started, e.g. reporting the DTS key's age */
  public StartLoadsHandler(LoadStarter starter, Runnable afterStart) {
    super("StartLoads", StartLoadsRequest.class, "{runId, runDate, tables}", LENIENT);
    this.starter = starter;
    this.afterStart = afterStart;
  }

  private static LoadStarter newStarter(LoadEnvironment env) {
    return new LoadStarter(env.store(), env.config.bucket(), BucketLayout.of(env.config), env.bigquery, env.clients,
        env::accessKey, Clock.systemUTC(), env.config.incremental());
  }

  @Override
  protected LoadsStatus handle(StartLoadsRequest request) {
    LoadsStatus status = starter.start(request);
    afterStart.run();
    return status;
  }
}
