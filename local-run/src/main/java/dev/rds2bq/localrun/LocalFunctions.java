package dev.rds2bq.localrun;

import dev.rds2bq.contract.BucketLayout;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.SecretSource;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.handler.ExportTableHandler;
import dev.rds2bq.handler.PlanRunHandler;
import dev.rds2bq.handler.PublishTableHandler;
import dev.rds2bq.handler.SummarizeRunHandler;
import dev.rds2bq.metrics.TableMetrics;
import dev.rds2bq.load.GoogleClients;
import dev.rds2bq.load.LoadChecker;
import dev.rds2bq.load.LoadStarter;
import dev.rds2bq.load.RetryPolicy;
import dev.rds2bq.load.S3AccessKey;
import dev.rds2bq.load.handler.CheckLoadsHandler;
import dev.rds2bq.load.handler.StartLoadsHandler;
import dev.rds2bq.localgcp.LocalGoogleCloud;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.storage.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Lambda handlers of the state machine, built over local dependencies (a config, a policy, a
 * secret map, an S3 API) exactly as their AWS constructors build them over AWS clients. Keyed by
 * the function names of the ASL's placeholders. StartLoads and CheckLoads join when the run loads.
 */
public final class LocalFunctions {
  public static final String PLAN_RUN = "PlanRun";
  public static final String EXPORT_TABLE = "ExportTable";
  public static final String PUBLISH_TABLE = "PublishTable";
  public static final String START_LOADS = "StartLoads";
  public static final String CHECK_LOADS = "CheckLoads";
  public static final String SUMMARIZE_RUN = "SummarizeRun";

  private LocalFunctions() {}

  /**
   * PlanRun (without the one-run-at-a-time check, which asks Step Functions), ExportTable,
   * PublishTable and SummarizeRun. The map is mutable: add StartLoads and CheckLoads to it.
   */
  public static Map<String, RequestStreamHandler> exportAndPublish(PipelineConfig config, MaskingPolicy policy,
      SecretSource secrets, ObjectStore store, ExportListener progress, Clock clock) {
    return exportAndPublish(new Engines(config, secrets, store), policy, progress, clock);
  }

  /** The same over engines the caller keeps, e.g. to read the source itself. */
  public static Map<String, RequestStreamHandler> exportAndPublish(Engines engines, MaskingPolicy policy,
      ExportListener progress, Clock clock) {
    Map<String, RequestStreamHandler> functions = new LinkedHashMap<>();
    functions.put(PLAN_RUN, new PlanRunHandler(engines.planner(policy, clock, null)));
    functions.put(EXPORT_TABLE, new ExportTableHandler(engines.exporter(policy, progress), engines.plans()));
    functions.put(PUBLISH_TABLE, new PublishTableHandler(engines.publisher(clock)));
    functions.put(SUMMARIZE_RUN, new SummarizeRunHandler(TableMetrics.NONE));
    return functions;
  }

  /**
   * Adds StartLoads and CheckLoads over the Data Transfer and BigQuery stand-ins of {@code google},
   * with the config's {@code bigquery} section and the S3 key the stand-in's transfers read with.
   */
  public static void addLoads(Map<String, RequestStreamHandler> functions, PipelineConfig config, ObjectStore store,
      LocalGoogleCloud google, S3AccessKey s3Key, Clock clock) {
    PipelineConfig.BigQueryConfig bigquery = config.bigquery();
    RetryPolicy retry = RetryPolicy.of(bigquery.requestTimeoutSeconds(), bigquery.maxAttempts());
    GoogleClients clients = GoogleClients.local(bigquery, google.transferEndpoint(), google.bigQueryHost(), retry);
    functions.put(START_LOADS, new StartLoadsHandler(new LoadStarter(store, config.bucket(), BucketLayout.of(config), bigquery,
        clients, () -> s3Key, clock, config.incremental())));
    functions.put(CHECK_LOADS, new CheckLoadsHandler(new LoadChecker(bigquery, clients, store,
        Duration.ofMinutes(config.run().loadTimeoutMinutes()), clock, TableMetrics.NONE, BucketLayout.of(config),
        config.incremental())));
  }

  /** True when StartLoads and CheckLoads are registered, so that a run may load. */
  public static boolean canLoad(Map<String, RequestStreamHandler> functions) {
    return functions.containsKey(START_LOADS) && functions.containsKey(CHECK_LOADS);
  }
}
