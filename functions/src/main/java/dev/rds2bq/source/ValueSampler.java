package dev.rds2bq.source;

import java.util.List;

/**
 * A source's bounded sample of column values, for the plan-time value scan
 * (docs/masking.md#value-scan): the catalog's fourth method ({@link SourceCatalog}). Errors are the
 * project's classes, as for the rest of the catalog.
 */
public interface ValueSampler {
  /** Receives one sampled value; {@code column} indexes the columns asked for. */
  interface Sink {
    void value(int column, String value);
  }

  /** What one sample read: rows, whether the time budget cut it short, and its wall time. */
  record Stats(int rows, boolean budgetExhausted, long millis) {}

  /**
   * Reads at most {@code rows} rows of {@code columns}, each value cut to {@code maxChars}
   * characters, stopping when {@code budgetMillis} have passed.
   */
  Stats sample(TableSchema schema, List<SourceColumn> columns, int rows, long budgetMillis, int maxChars, Sink sink);
}
