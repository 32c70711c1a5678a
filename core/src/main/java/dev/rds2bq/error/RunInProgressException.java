package dev.rds2bq.error;

/**
 * Another execution of the same state machine is running: a second run would load the replica twice
 * and race the first one's publish. Not retried; start again when it ends, or pass allowConcurrent.
 */
public final class RunInProgressException extends UserFaultException {
  public RunInProgressException(String message) {
    super(message);
  }
}
