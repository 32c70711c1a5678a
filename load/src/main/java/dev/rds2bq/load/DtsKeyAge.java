package dev.rds2bq.load;

import dev.rds2bq.config.SecretSource;
import dev.rds2bq.metrics.TableMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The age of the DTS reader's access key, reported at every StartLoads for the stack's key-age alarm
 * (docs/deploy.md#the-dts-access-key). The stack replaces the key and its secret together, so the
 * secret's last change is the key's creation. A figure that cannot be read is logged and dropped: it
 * never fails the loads.
 */
public final class DtsKeyAge {
  private static final Logger LOG = LoggerFactory.getLogger(DtsKeyAge.class);

  private DtsKeyAge() {}

  /** @return the age in days that was reported, or null when the store does not say */
  public static Double report(SecretSource secrets, String secretId, TableMetrics metrics, Clock clock) {
    try {
      Instant changed = secrets.lastChanged(secretId);
      if (changed == null) {
        return null;
      }
      double days = Duration.between(changed, clock.instant()).toSeconds() / 86_400.0;
      metrics.dtsKeyAge(days);
      return days;
    } catch (RuntimeException e) {
      LOG.warn("the age of the DTS access key in secret {} could not be read: {}", secretId, e.getMessage());
      return null;
    }
  }
}
