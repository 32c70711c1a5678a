package dev.rds2bq.error;

/** A fault in what the user gave: config, policy, input or data. Retrying the same input fails again. */
public abstract class UserFaultException extends Rds2bqException {
  protected UserFaultException(String message) {
    super(message);
  }

  protected UserFaultException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isTransient() {
    return false;
  }
}
