package dev.rds2bq.error;

/** S3 (or the secret store) failed in a way that a retry can mend. */
public final class StorageUnavailableException extends TransientException {
  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
