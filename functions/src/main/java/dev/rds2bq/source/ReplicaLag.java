package dev.rds2bq.source;

/**
 * What a server says of its replication, read just before an export reads rows (docs/sources.md#replica-lag).
 *
 * @param seconds how far behind its primary the server is; meaningful for {@link State#BEHIND} only
 * @param evidence what the server answered, for messages and the export result, e.g.
 *     {@code Seconds_Behind_Master = 412}
 */
public record ReplicaLag(State state, long seconds, String evidence) {
  public enum State {
    /** Not a replica: a primary, or a reader whose lag the engine does not report (Aurora). */
    NOT_A_REPLICA,
    /** A replica whose lag the login may not read, or that has replayed nothing yet. */
    UNKNOWN,
    /** A replica whose replication is stopped or broken: its data is older than any limit. */
    STOPPED,
    /** A replica that replays, this many seconds behind. */
    BEHIND
  }

  public static ReplicaLag notAReplica(String evidence) {
    return new ReplicaLag(State.NOT_A_REPLICA, 0, evidence);
  }

  public static ReplicaLag unknown(String evidence) {
    return new ReplicaLag(State.UNKNOWN, 0, evidence);
  }

  public static ReplicaLag stopped(String evidence) {
    return new ReplicaLag(State.STOPPED, 0, evidence);
  }

  public static ReplicaLag behind(long seconds, String evidence) {
    return new ReplicaLag(State.BEHIND, seconds, evidence);
  }

  /** Whether an export must not start now: replication stopped, or more than {@code maxSeconds} behind. */
  public boolean tooFarBehind(int maxSeconds) {
    return state == State.STOPPED || (state == State.BEHIND && seconds > maxSeconds);
  }
}
