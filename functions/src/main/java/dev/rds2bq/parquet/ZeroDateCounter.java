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
  void zeroDate(String column) {
    if (policy == ZeroDatePolicy.ERROR) {
      // The value stays out of the message: a year-0 date still carries a month and day, e.g. of a birthday.
      throw new DataException("table " + table + ", column " + column + " holds a date BigQuery cannot store (a zero"
          + " date such as 0000-00-00, a year before 1 or after 9999, or PostgreSQL's infinity or -infinity). Fix: set config key zeroDates: as_null to write NULL (the count is"
          + " reported), or clean the source rows");
    }
    counts.merge(column, 1L, Long::sum);
  }

  /** A date the source accepted (MySQL under ALLOW_INVALID_DATES) that is in no calendar, such as 2023-02-30. */
  void invalidDate(String column) {
    throw new DataException("table " + table + ", column " + column + " holds a date that is in no calendar, such as"
        + " 2023-02-30 (the server allows it under ALLOW_INVALID_DATES; the value is not repeated here, it may be"
        + " personal). Fix: clean the"
        + " source rows, or drop or redact the column in the masking policy");  // no cause: the driver's message would name the value
  }

  public Map<String, Long> counts() {
    return Map.copyOf(counts);
  }
}
