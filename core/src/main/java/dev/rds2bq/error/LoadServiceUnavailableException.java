package dev.rds2bq.error;

/**
 * BigQuery or the Data Transfer Service answered UNAVAILABLE, DEADLINE_EXCEEDED or a 5xx on every
 * attempt the client made. The state machine retries the whole call later.
 */
public final class LoadServiceUnavailableException extends TransientException {
  public LoadServiceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
