package dev.rds2bq.handler;

import dev.rds2bq.metrics.EmfTableMetrics;
import dev.rds2bq.metrics.TableMetrics;
import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.PublishResult;
import dev.rds2bq.publish.TablePublisher;
import java.time.Clock;

/**
 * PublishTable: {@code {runId, runDate, database, table, expectedRanges?, exports: [ExportTable
 * results]}} in, each result the slim form ExportTable returns ({@code resultKey}: the full result
 * is read from S3) or a full result; {@code {manifestKey, files, rows, ...}} out (events/PublishTable/).
 */
public final class PublishTableHandler extends JsonHandler<PublishRequest, PublishResult> {
  static final String SHAPE = "{runId, runDate, database, table, expectedRanges?, exports}";
  private final OnFirstUse<TablePublisher> publisher;
  private final TableMetrics metrics;

  /** Lambda's constructor; with {@code publish.verifySourceCount} the login is read at the first publish. */
  public PublishTableHandler() {
    super("PublishTable", PublishRequest.class, SHAPE, STRICT);
    LambdaEnvironment env = LambdaEnvironment.load();
    this.publisher = new OnFirstUse<>(() -> env.engines.publisher(Clock.systemUTC()));
    this.metrics = EmfTableMetrics.fromEnvironment(System.getenv());
  }

  public PublishTableHandler(TablePublisher publisher) {
    super("PublishTable", PublishRequest.class, SHAPE, STRICT);
    this.publisher = OnFirstUse.of(publisher);
    this.metrics = TableMetrics.NONE;
  }

  @Override
  protected PublishResult handle(PublishRequest request) {
    PublishResult result = publisher.get().publish(request);
    metrics.published(result.database(), result.table(), result.rows());
    return result;
  }
}
