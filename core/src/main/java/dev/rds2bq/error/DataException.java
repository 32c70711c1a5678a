package dev.rds2bq.error;

/** A stored value that MySQL allows but the target cannot hold, under the configured policy. */
public final class DataException extends UserFaultException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
