package dev.rds2bq.error;

/**
 * Google refused a load request for a reason a retry cannot fix (PERMISSION_DENIED,
 * INVALID_ARGUMENT, NOT_FOUND, or a schema change the config does not allow). The message names the
 * table and the likely fix.
 */
public final class LoadRejectedException extends UserFaultException {
  public LoadRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
