package dev.rds2bq.error;

/**
 * The source is a replica too far behind its primary (or whose replication is stopped) to take an
 * export now. Nothing was read: the state machine waits minutes, not seconds, and tries again, so a
 * replica that is catching up gets no extra load from the pipeline (docs/sources.md#replica-lag).
 */
public final class SourceBusyException extends TransientException {
  public SourceBusyException(String message) {
    super(message, null);
  }
}
