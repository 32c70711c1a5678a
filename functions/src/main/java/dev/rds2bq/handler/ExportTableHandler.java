package dev.rds2bq.handler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.metrics.EmfTableMetrics;
import dev.rds2bq.metrics.TableMetrics;
import dev.rds2bq.contract.PlannedRange;
import dev.rds2bq.contract.StoredPlans;

/**
 * ExportTable: {@code {runId, runDate, database, table, range?}}, or {@code {runId, runDate, database,
 * table, planKey, rangeId}} for a plan kept in S3, in. The full export result is written to S3 next
 * to the files ({@code _exports/<range label>.json}) and its slim form, with that {@code resultKey},
 * goes out (docs/data-contract.md). Errors leave as exceptions whose class names the state machine
 * matches.
 */
public final class ExportTableHandler extends JsonHandler<JsonNode, Object> {
  static final String SHAPE = "{runId, runDate, database, table, range?} or {runId, runDate, database, table, planKey,"
      + " rangeId}";
  private final OnFirstUse<TableExporter> exporter;
  private final StoredPlans plans;
  private final ExportResultStore results;
  private final TableMetrics metrics;

  /**
   * Lambda's constructor: config and policy from {@code RDS2BQ_CONFIG}, read and checked here; the
   * database login at the first export, so that a SnapStart snapshot holds no password.
   */
  public ExportTableHandler() {
    super("ExportTable", JsonNode.class, SHAPE, STRICT);
    LambdaEnvironment env = LambdaEnvironment.load();
    MaskingPolicy policy = env.policy();
    this.exporter = new OnFirstUse<>(() -> env.engines.exporter(policy, ExportListener.NONE));
    this.plans = env.engines.plans();
    this.results = env.engines.results();
    this.metrics = EmfTableMetrics.fromEnvironment(System.getenv());
  }

  /**
   * Without a plan store (every input must carry its range) and without keeping the result in S3:
   * the output is the full {@link ExportResult}, the form before slim results (the Lambda-jar check).
   */
  public ExportTableHandler(TableExporter exporter) {
    this(exporter, null, null);
  }

  /** As in Lambda: the full result kept in S3 next to the files, the slim form returned. */
  public ExportTableHandler(TableExporter exporter, StoredPlans plans) {
    this(exporter, plans, exporter.results());
  }

  /** @param results where full results are kept; null returns the full result instead of the slim form */
  public ExportTableHandler(TableExporter exporter, StoredPlans plans, ExportResultStore results) {
    super("ExportTable", JsonNode.class, SHAPE, STRICT);
    this.exporter = OnFirstUse.of(exporter);
    this.plans = plans;
    this.results = results;
    this.metrics = TableMetrics.NONE;
  }

  @Override
  protected Object handle(JsonNode node) {
    ExportRequest request;
    try {
      request = node.has("planKey") && plans != null
          ? plans.resolve(STRICT.treeToValue(node, PlannedRange.class))
          : STRICT.treeToValue(node, ExportRequest.class);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("ExportTable input is not " + SHAPE + ": "
          + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse(""));
    }
    if (request == null) {
      throw new InvalidInputException("ExportTable input is empty; expected " + SHAPE);
    }
    ExportResult result = exporter.get().export(request);
    Object output = results == null ? result : results.save(result);
    // After the save: a save that fails is retried with the whole export, which would count twice.
    metrics.exported(result.database(), result.table(), result.rowsWritten(),
        result.files().stream().mapToLong(ExportResult.FileEntry::bytes).sum(), result.durationMs() / 1000.0);
    return output;
  }
}
