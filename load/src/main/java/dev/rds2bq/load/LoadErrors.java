package dev.rds2bq.load;

import com.google.api.gax.rpc.ApiException;
import com.google.auth.Retryable;
import com.google.cloud.bigquery.BigQueryException;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.error.LoadRejectedException;
import dev.rds2bq.error.LoadServiceUnavailableException;
import dev.rds2bq.error.Rds2bqException;
import java.io.IOException;

/**
 * Turns Google's errors into the two kinds the state machine tells apart: a transient
 * {@link LoadServiceUnavailableException} (retried later) and a {@link LoadRejectedException} that
 * names the table and the likely fix (not retried).
 */
final class LoadErrors {
  private LoadErrors() {}

  /** {@code what} says which table and step, e.g. "table sakila.customer: creating its transfer config". */
  static Rds2bqException transfer(String what, ApiException e, BigQueryConfig config) {
    String status = refusedToken(e) ? "UNAUTHENTICATED" : e.getStatusCode().getCode().name();
    return classify(what, "the BigQuery Data Transfer Service", status, e.getMessage(), e, config);
  }

  static Rds2bqException bigQuery(String what, BigQueryException e, BigQueryConfig config) {
    String status = refusedToken(e) ? "UNAUTHENTICATED" : switch (e.getCode()) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "rateLimitExceeded".equals(e.getReason()) || "quotaExceeded".equals(e.getReason())
          ? "RESOURCE_EXHAUSTED" : "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ALREADY_EXISTS";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 0, 500, 502, 503, 504 -> "UNAVAILABLE";
      default -> "HTTP_" + e.getCode();
    };
    return classify(what, "BigQuery", status, e.getMessage(), e, config);
  }

  /**
   * Whether Google's token endpoint refused the credentials for good (a disabled or deleted key, a
   * Workload Identity provider that does not match): both clients report that as an unavailable
   * service (gRPC's call credentials and BigQuery's HTTP client wrap the I/O error), which would be
   * retried until the load timeout, but only new credentials help.
   */
  private static boolean refusedToken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // The auth library's token errors are IOExceptions that say whether a retry can help.
      if (t instanceof IOException && t instanceof Retryable auth && !auth.isRetryable()) {
        return true;
      }
    }
    return false;
  }

  private static Rds2bqException classify(String what, String service, String status, String message,
      Exception cause, BigQueryConfig config) {
    String said = what + ": " + service + " answered " + status + " (" + message + ")";
    return switch (status) {
      case "UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "INTERNAL", "ABORTED" ->
          new LoadServiceUnavailableException(said + " (after the client's own retries, where it retries"
              + " this call); transient, it may pass later", cause);
      case "PERMISSION_DENIED" -> new LoadRejectedException(said + ". Fix: enable the BigQuery API and the BigQuery"
          + " Data Transfer API in project '" + config.projectId() + "', and grant the principal of"
          + " bigquery.credentialsSecretId roles/bigquery.admin, or a custom role with bigquery.transfers.update,"
          + " bigquery.transfers.get, bigquery.datasets.get/update and bigquery.tables.create/get/update/updateData"
          + " on dataset '" + config.dataset() + "' (docs/loading.md#google-setup)", cause);
      case "UNAUTHENTICATED" -> new LoadRejectedException(said + ". Fix: the credentials in bigquery.credentialsSecretId"
          + " were refused; for Workload Identity Federation check the pool provider's AWS account and role"
          + " mapping, for a key check that it is not disabled", cause);
      case "NOT_FOUND" -> new LoadRejectedException(said + ". Fix: check bigquery.projectId '" + config.projectId()
          + "' and bigquery.location '" + config.location() + "': the dataset and the transfer configs live in"
          + " that location, and the project must have the BigQuery Data Transfer API enabled", cause);
      default -> new LoadRejectedException(said + ". Fix: the request was refused as it stands; see the message"
          + " above and docs/loading.md", cause);
    };
  }
}
