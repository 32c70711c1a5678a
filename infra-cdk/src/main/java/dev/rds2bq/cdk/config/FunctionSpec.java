package dev.rds2bq.cdk.config;

/**
 * The six Lambda functions: handler, package, and the memory and timeout they get unless the deploy
 * config's {@code functions:} overrides them. docs/deploy.md explains each size from
 * docs/benchmarks.md.
 */
public enum FunctionSpec {
  /**
   * Discovery and range planning: catalog queries and EXPLAIN estimates, or a streamed scan of the
   * key column for a big table whose key is not an integer. Bound by the database, not its own CPU;
   * one full vCPU (1,769 MB) keeps the JSON and the scan decoding quick. A scan of a very large
   * table can take minutes, hence Lambda's maximum timeout.
   */
  PLAN_RUN("PlanRun", Package.CONTROL, "dev.rds2bq.handler.PlanRunHandler::handleRequest", 1769, 900, true),
  /**
   * The export: a reader thread decoding rows and an encoder thread masking and writing Parquet,
   * CPU-bound (docs/benchmarks.md: the encoder costs 3-6 CPU-seconds per million rows, heap under
   * 256 MB plus up to 3 upload parts per open file). 3,538 MB buys two vCPUs, one per thread;
   * memory is sized for CPU, not heap. A range should run a few minutes ({@code planning.rowsPerRange});
   * the timeout is Lambda's maximum so an unlucky range still finishes.
   */
  EXPORT_TABLE("ExportTable", Package.FUNCTIONS, "dev.rds2bq.handler.ExportTableHandler::handleRequest", 3538, 900,
      true),
  /**
   * Checks object sizes, deletes strays and writes three small objects: S3 calls, little CPU. With
   * {@code publish.verifySourceCount} it also counts rows on the replica, which can take minutes.
   */
  PUBLISH_TABLE("PublishTable", Package.CONTROL, "dev.rds2bq.handler.PublishTableHandler::handleRequest", 1024,
      300, false),
  /**
   * Creates or updates one DTS transfer config per table and starts its run: Google API calls, 8
   * tables at once. 900 s, the ASL's Task timeout, for runs of hundreds of tables.
   */
  START_LOADS("StartLoads", Package.LOAD, "dev.rds2bq.load.handler.StartLoadsHandler::handleRequest", 1024, 900,
      false),
  /**
   * Polls the transfer runs, checks receipts and merges change sets: a few Google API calls and query
   * jobs per table. 900 s, the ASL's Task timeout; it begins no table after 5 minutes and waits for a
   * merge's job until 10 minutes into the call (the next poll finds the job again).
   */
  CHECK_LOADS("CheckLoads", Package.LOAD, "dev.rds2bq.load.handler.CheckLoadsHandler::handleRequest", 1024, 900,
      false),
  /** Folds the table outcomes into the run summary: no I/O at all. */
  SUMMARIZE_RUN("SummarizeRun", Package.CONTROL, "dev.rds2bq.handler.SummarizeRunHandler::handleRequest", 512,
      60, false);

  /** The two Lambda packages the reactor builds before infra-cdk. */
  /**
   * The three Lambda packages: FUNCTIONS is the export jar (MySQL, Parquet, Hadoop's API, compressors),
   * CONTROL the same code without what only writing Parquet needs, LOAD the Google clients.
   */
  public enum Package { FUNCTIONS, CONTROL, LOAD }

  private final String functionName;
  private final Package pkg;
  private final String handler;
  private final int memoryMiB;
  private final int timeoutSeconds;
  private final boolean needsDatabase;

  FunctionSpec(String functionName, Package pkg, String handler, int memoryMiB, int timeoutSeconds,
      boolean needsDatabase) {
    this.functionName = functionName;
    this.pkg = pkg;
    this.handler = handler;
    this.memoryMiB = memoryMiB;
    this.timeoutSeconds = timeoutSeconds;
    this.needsDatabase = needsDatabase;
  }

  /** The name in the ASL's substitutions, in {@code functions:} overrides and in resource names. */
  public String functionName() {
    return functionName;
  }

  public Package pkg() {
    return pkg;
  }

  public String handler() {
    return handler;
  }

  public int defaultMemoryMiB() {
    return memoryMiB;
  }

  public int defaultTimeoutSeconds() {
    return timeoutSeconds;
  }

  /** Reads the replica on every run (PublishTable only with {@code publish.verifySourceCount}). */
  public boolean needsDatabase() {
    return needsDatabase;
  }

  /** The DefinitionSubstitutions key of this function's alias ARN, e.g. {@code PlanRunFunctionArn}. */
  public String substitutionKey() {
    return functionName + "FunctionArn";
  }

  public static FunctionSpec byName(String name) {
    for (FunctionSpec spec : values()) {
      if (spec.functionName.equals(name)) {
        return spec;
      }
    }
    return null;
  }
}
