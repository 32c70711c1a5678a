package dev.rds2bq.load;

import com.google.api.gax.retrying.RetrySettings;
import java.time.Duration;

/**
 * Timeouts and retries for every Google call, set here rather than left to the clients' defaults
 * (which retry neither create nor update, and put no deadline on StartManualTransferRuns).
 *
 * @param requestTimeout deadline of one attempt
 * @param maxAttempts attempts per call, the first included
 * @param initialBackoff wait after the first failure; doubled per attempt up to {@code maxBackoff}
 */
public record RetryPolicy(Duration requestTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  public static RetryPolicy of(int requestTimeoutSeconds, int maxAttempts) {
    return new RetryPolicy(Duration.ofSeconds(requestTimeoutSeconds), maxAttempts, Duration.ofSeconds(1),
        Duration.ofSeconds(16));
  }

  public RetrySettings settings() {
    return RetrySettings.newBuilder()
        .setMaxAttempts(maxAttempts)
        .setInitialRetryDelayDuration(initialBackoff)
        .setRetryDelayMultiplier(2.0)
        .setMaxRetryDelayDuration(maxBackoff)
        .setInitialRpcTimeoutDuration(requestTimeout)
        .setRpcTimeoutMultiplier(1.0)
        .setMaxRpcTimeoutDuration(requestTimeout)
        .setTotalTimeoutDuration(requestTimeout.plus(maxBackoff).multipliedBy(maxAttempts))
        .setJittered(true)
        .build();
  }
}
