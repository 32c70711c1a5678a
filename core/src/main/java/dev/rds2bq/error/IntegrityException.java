package dev.rds2bq.error;

/**
 * What a run wrote does not match what its exports reported (a missing file, a row count, a schema
 * that changed between ranges). Publishing again cannot help; exporting the table again can.
 */
public final class IntegrityException extends Rds2bqException {
  public IntegrityException(String message) {
    super(message);
  }

  @Override
  public boolean isTransient() {
    return false;
  }
}
