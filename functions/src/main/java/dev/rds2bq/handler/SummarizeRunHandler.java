package dev.rds2bq.handler;

import dev.rds2bq.metrics.EmfTableMetrics;
import dev.rds2bq.metrics.TableMetrics;
import dev.rds2bq.summary.RunOutcome;
import dev.rds2bq.summary.RunSummarizer;
import dev.rds2bq.summary.RunSummary;

/**
 * SummarizeRun: the state machine's state after exports and loads ({@code {runId, runDate, load,
 * tables: [table outcomes], loads?, loadError?}}) in, {@code {status, failedTables, cause, tables}}
 * out (events/SummarizeRun/). Reads no config and calls no service.
 */
public final class SummarizeRunHandler extends JsonHandler<RunOutcome, RunSummary> {
  private final TableMetrics metrics;

  /** Lambda's constructor: the failed tables also go out as the FailedTables metric. */
  public SummarizeRunHandler() {
    this(EmfTableMetrics.fromEnvironment(System.getenv()));
  }

  public SummarizeRunHandler(TableMetrics metrics) {
    super("SummarizeRun", RunOutcome.class, "{runId, runDate, load, tables, loads?, loadError?}", STRICT);
    this.metrics = metrics;
  }

  @Override
  protected RunSummary handle(RunOutcome outcome) {
    RunSummary summary = RunSummarizer.summarize(outcome);
    metrics.runFinished(summary.failedTables());
    return summary;
  }
}
