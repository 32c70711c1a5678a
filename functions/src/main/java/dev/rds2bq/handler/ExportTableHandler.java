package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.export.ExportEngines;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.ExportRequest;
import dev.rds2bq.export.ExportResult;
import dev.rds2bq.export.ExportResultStore;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.plan.PlannedRange;
import dev.rds2bq.plan.StoredPlans;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * ExportTable: {@code {runId, runDate, database, table, range?}}, or {@code {runId, runDate, database,
 * table, planKey, rangeId}} for a plan kept in S3, in. The full export result is written to S3 next
 * to the files ({@code _exports/<range label>.json}) and its slim form, with that {@code resultKey},
 * goes out (docs/data-contract.md). Errors leave as exceptions whose class names the state machine
 * matches.
 */
public final class ExportTableHandler implements RequestStreamHandler {
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final TableExporter exporter;
  private final StoredPlans plans;
  private final ExportResultStore results;

  /** Lambda's constructor: config from {@code RDS2BQ_CONFIG}, AWS clients built once per container. */
  public ExportTableHandler() {
    LambdaEnvironment env = LambdaEnvironment.load();
    S3ObjectStore store = env.store();
    this.exporter = ExportEngines.create(env.config, env.policy(), env.secrets(), store, ExportListener.NONE);
    this.plans = new StoredPlans(store);
    this.results = exporter.results();
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
    this.exporter = exporter;
    this.plans = plans;
    this.results = results;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ExportRequest request;
    try {
      JsonNode node = JSON.readTree(input);
      request = node != null && node.has("planKey") && plans != null
          ? plans.resolve(JSON.treeToValue(node, PlannedRange.class))
          : JSON.treeToValue(node, ExportRequest.class);
    } catch (IOException e) {
      throw new InvalidInputException("ExportTable input is not {runId, runDate, database, table, range?} or"
          + " {runId, runDate, database, table, planKey, rangeId}: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (request == null) {
      throw new InvalidInputException("ExportTable input is empty; expected {runId, runDate, database, table, range?}");
    }
    ExportResult result = exporter.export(request);
    JSON.writeValue(output, results == null ? result : results.save(result));
  }
}
