package dev.rds2bq.error;

/** The request names something that does not exist or is malformed: a table, a range, a date. */
public final class InvalidInputException extends UserFaultException {
  public InvalidInputException(String message) {
    super(message);
  }
}
