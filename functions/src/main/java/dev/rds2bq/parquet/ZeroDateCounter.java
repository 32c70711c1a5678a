package dev.rds2bq.parquet;

import dev.rds2bq.config.PipelineConfig.ZeroDatePolicy;
import dev.rds2bq.error.DataException;
import java.util.Map;
import java.util.TreeMap;

/** Applies the zero-date policy: fail naming the column, or write NULL and count it for the result. */
public final class ZeroDateCounter {
  private final ZeroDatePolicy policy;
  private final String table;
  private final Map<String, Long> counts = new TreeMap<>();

  public ZeroDateCounter(ZeroDatePolicy policy, String table) {
    this.policy = policy;
    this.table = table;
  }

  /** Called on the rare path only, so the map costs nothing per row. */
  void zeroDate(String column, String rawValue) {
    if (policy == ZeroDatePolicy.ERROR) {
      throw new DataException("table " + table + ", column " + column + " holds the zero date '" + rawValue
          + "', which BigQuery cannot store. Fix: set config key zeroDates: null to write NULL (the count is"
          + " reported), or clean the source rows");
    }
    counts.merge(column, 1L, Long::sum);
  }

  public Map<String, Long> counts() {
    return Map.copyOf(counts);
  }
}
