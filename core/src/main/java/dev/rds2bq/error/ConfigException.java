package dev.rds2bq.error;

/** The run's configuration or a secret is missing, malformed or out of range. */
public final class ConfigException extends UserFaultException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
