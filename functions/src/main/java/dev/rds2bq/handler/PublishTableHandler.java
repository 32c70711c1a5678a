package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.rds2bq.config.AwsSecretSource;
import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.export.ExportEngines;
import dev.rds2bq.publish.PublishRequest;
import dev.rds2bq.publish.TablePublisher;
import dev.rds2bq.source.SourceConnector;
import dev.rds2bq.storage.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * PublishTable: {@code {runId, runDate, database, table, expectedRanges?, exports: [ExportTable
 * results]}} in, {@code {manifestKey, files, rows, ...}} out (events/PublishTable/).
 */
public final class PublishTableHandler implements RequestStreamHandler {
  private final TablePublisher publisher;

  public PublishTableHandler() {
    PipelineConfig config = ExportEngines.readConfig(
        Path.of(System.getenv().getOrDefault("RDS2BQ_CONFIG", "/var/task/rds2bq.yaml")));
    S3Client s3 = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    SourceConnector source = null;
    if (config.publish().verifySourceCount()) {
      AwsSecretSource secrets = new AwsSecretSource(
          SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
      String id = config.source().secretId();
      source = new SourceConnector(DatabaseSecret.parse(id, secrets.secretString(id)), config.source());
    }
    this.publisher = new TablePublisher(new S3ObjectStore(s3, config.bucket(), config.parquet().uploadPartMiB() << 20),
        config.prefix(), Clock.systemUTC(), source);
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
