package dev.rds2bq.load;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.UnaryCallSettings;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceClient;
import com.google.cloud.bigquery.datatransfer.v1.DataTransferServiceSettings;
import com.google.cloud.http.HttpTransportOptions;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.config.PipelineConfig.GoogleEndpoints;
import dev.rds2bq.error.ConfigException;
import java.io.IOException;
import java.util.List;

/**
 * The two Google clients a load needs, with the timeouts and retries of {@link RetryPolicy}: BigQuery
 * (REST) for datasets and tables, and the Data Transfer Service (gRPC) for transfer configs and runs.
 */
public final class GoogleClients implements AutoCloseable {
  private final BigQuery bigQuery;
  private final DataTransferServiceClient transfers;
  private final Credentials credentials;

  private GoogleClients(BigQuery bigQuery, DataTransferServiceClient transfers, Credentials credentials) {
    this.bigQuery = bigQuery;
    this.transfers = transfers;
    this.credentials = credentials;
  }

  /**
   * Makes deferred credentials read their secret now. Read inside a Google client instead, a
   * {@code ConfigException} would come back as that client's connection or authentication error, with
   * the wrong retry and the wrong fix.
   */
  public void credentialsReady() {
    if (credentials instanceof DeferredCredentials deferred) {
      deferred.ready();
    }
  }

  /** Clients for Google's endpoints, authenticated with {@code credentials}. */
  public static GoogleClients google(BigQueryConfig config, GoogleCredentials credentials, RetryPolicy retry) {
    return google(config, (Credentials) credentials, retry);
  }

  /** Clients built now whose credentials are made at the first request (a secret read then, not at init). */
  public static GoogleClients google(BigQueryConfig config, java.util.function.Supplier<GoogleCredentials> credentials,
      RetryPolicy retry) {
    return google(config, new DeferredCredentials(credentials), retry);
  }

  /**
   * Google's endpoints, or those of {@code bigquery.endpoints} where set: only the address changes,
   * the channel stays TLS with the JVM's trust store and every call carries {@code credentials}.
   */
  private static GoogleClients google(BigQueryConfig config, Credentials credentials, RetryPolicy retry) {
    DataTransferServiceSettings.Builder settings = DataTransferServiceSettings.newBuilder()
        .setCredentialsProvider(FixedCredentialsProvider.create(credentials))
        .setQuotaProjectId(config.projectId());
    GoogleEndpoints endpoints = config.endpoints();
    if (endpoints != null && endpoints.dataTransfer() != null) {
      settings.setEndpoint(endpoints.dataTransfer());
    }
    return build(config, credentials, settings, endpoints == null ? null : endpoints.bigQuery(), retry);
  }

  /**
   * Clients for loopback stand-ins: a plaintext gRPC channel to {@code transferEndpoint} (host:port)
   * and BigQuery at {@code bigQueryHost}, with no credentials.
   */
  public static GoogleClients local(BigQueryConfig config, String transferEndpoint, String bigQueryHost,
      RetryPolicy retry) {
    DataTransferServiceSettings.Builder settings = DataTransferServiceSettings.newBuilder()
        .setEndpoint(transferEndpoint)
        .setCredentialsProvider(NoCredentialsProvider.create())
        .setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder()
            .setEndpoint(transferEndpoint)
            .setChannelConfigurator(channel -> channel.usePlaintext())
            .build());
    return build(config, NoCredentials.getInstance(), settings, bigQueryHost, retry);
  }

  private static GoogleClients build(BigQueryConfig config, Credentials credentials,
      DataTransferServiceSettings.Builder settings, String bigQueryHost, RetryPolicy retry) {
    java.util.Set<StatusCode.Code> transient_ = java.util.Set.of(StatusCode.Code.UNAVAILABLE, StatusCode.Code.DEADLINE_EXCEEDED);
    for (UnaryCallSettings.Builder<?, ?> call : List.<UnaryCallSettings.Builder<?, ?>>of(
        settings.updateTransferConfigSettings(),
        settings.getTransferConfigSettings(), settings.listTransferConfigsSettings(),
        settings.listTransferRunsSettings(), settings.getTransferRunSettings(), settings.listTransferLogsSettings())) {
      call.setRetryableCodes(transient_).setRetrySettings(retry.settings());
    }
    // A create or start that timed out may have happened; TransferLoads looks before it tries again.
    settings.createTransferConfigSettings().setRetryableCodes(StatusCode.Code.UNAVAILABLE)
        .setRetrySettings(retry.settings());
    settings.startManualTransferRunsSettings().setRetryableCodes(StatusCode.Code.UNAVAILABLE)
        .setRetrySettings(retry.settings());

    int timeoutMillis = (int) retry.requestTimeout().toMillis();
    BigQueryOptions.Builder options = BigQueryOptions.newBuilder()
        .setProjectId(config.projectId())
        .setLocation(config.location())
        .setCredentials(credentials)
        .setRetrySettings(retry.settings())
        .setTransportOptions(HttpTransportOptions.newBuilder()
            .setConnectTimeout(timeoutMillis).setReadTimeout(timeoutMillis).build());
    if (bigQueryHost != null) {
      options.setHost(bigQueryHost);
    }
    try {
      return new GoogleClients(options.build().getService(), DataTransferServiceClient.create(settings.build()),
          credentials);
    } catch (IOException e) {
      throw new ConfigException("cannot set up the BigQuery Data Transfer client: " + e.getMessage(), e);
    }
  }

  public BigQuery bigQuery() {
    return bigQuery;
  }

  public DataTransferServiceClient transfers() {
    return transfers;
  }

  @Override
  public void close() {
    transfers.close();
  }
}
