package dev.rds2bq.error;

/**
 * Base of every error the handlers let escape. The Java runtime reports the fully qualified class
 * name as the error type, which Step Functions matches in ErrorEquals, so each subclass is a contract
 * with {@code statemachine/}: user faults ({@link UserFaultException}) and integrity failures
 * ({@link IntegrityException}) are never retried, transient faults ({@link TransientException}) are.
 */
public abstract class Rds2bqException extends RuntimeException {
  protected Rds2bqException(String message) {
    super(message);
  }

  protected Rds2bqException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether a retry of the same input can succeed. */
  public abstract boolean isTransient();
}
