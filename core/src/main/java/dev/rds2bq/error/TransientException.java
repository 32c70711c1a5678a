package dev.rds2bq.error;

/** A fault of a service on the way (connection lost, throttling, 5xx). The same input may succeed later. */
public abstract class TransientException extends Rds2bqException {
  protected TransientException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isTransient() {
    return true;
  }
}
