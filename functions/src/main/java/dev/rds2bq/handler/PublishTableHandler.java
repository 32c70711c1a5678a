package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.publish.PublishRequest;
import dev.rds2bq.publish.TablePublisher;
import dev.rds2bq.source.SourceConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;

/**
 * PublishTable: {@code {runId, runDate, database, table, expectedRanges?, exports: [ExportTable
 * results]}} in, each result the slim form ExportTable returns ({@code resultKey}: the full result
 * is read from S3) or a full result; {@code {manifestKey, files, rows, ...}} out (events/PublishTable/).
 */
public final class PublishTableHandler implements RequestStreamHandler {
  private final TablePublisher publisher;

  public PublishTableHandler() {
    LambdaEnvironment env = LambdaEnvironment.load();
    SourceConnector source = env.config.publish().verifySourceCount() ? env.source(env.secrets()) : null;
    this.publisher = new TablePublisher(env.store(), env.config.prefix(), Clock.systemUTC(), source);
  }

  public PublishTableHandler(TablePublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    PublishRequest request;
    try {
      request = ExportTableHandler.JSON.readValue(input, PublishRequest.class);
    } catch (IOException e) {
      throw new InvalidInputException("PublishTable input is not {runId, runDate, database, table, expectedRanges?,"
          + " exports}: " + e.getMessage().lines().findFirst().orElse(""));
    }
    ExportTableHandler.JSON.writeValue(output, publisher.publish(request));
  }
}
