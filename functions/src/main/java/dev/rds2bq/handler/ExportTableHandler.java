package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.export.ExportEngines;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.ExportRequest;
import dev.rds2bq.export.TableExporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * ExportTable: {@code {runId, runDate, database, table, range?}} in, the export result out
 * (events/ExportTable/). Errors leave as exceptions whose class names the state machine matches.
 */
public final class ExportTableHandler implements RequestStreamHandler {
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final TableExporter exporter;

  /** Lambda's constructor: config from {@code RDS2BQ_CONFIG}, AWS clients built once per container. */
  public ExportTableHandler() {
    LambdaEnvironment env = LambdaEnvironment.load();
    this.exporter = ExportEngines.create(env.config, env.policy(), env.secrets(), env.store(), ExportListener.NONE);
  }

  public ExportTableHandler(TableExporter exporter) {
    this.exporter = exporter;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ExportRequest request;
    try {
      request = JSON.readValue(input, ExportRequest.class);
    } catch (IOException e) {
      throw new InvalidInputException("ExportTable input is not {runId, runDate, database, table, range?}: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    JSON.writeValue(output, exporter.export(request));
  }
}
