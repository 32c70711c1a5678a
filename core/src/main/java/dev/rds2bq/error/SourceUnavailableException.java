package dev.rds2bq.error;

/** The MySQL source could not be reached or dropped the connection mid-read. */
public final class SourceUnavailableException extends TransientException {
  public SourceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
