package dev.rds2bq.error;

/**
 * The masking policy is broken, or does not decide a column that looks personal. Personal data fails
 * closed: nothing is exported until the policy is fixed.
 */
public final class MaskingPolicyException extends UserFaultException {
  public MaskingPolicyException(String message) {
    super(message);
  }
}
