package dev.rds2bq.plan;

import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.source.KeyBoundaries;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table into half-open ranges of its first primary-key column. Whatever the boundaries
 * the source finds ({@link SourceCatalog#boundaries}), the ranges are
 * {@code [null, b1), [b1, b2), ..., [bk, null)} with strictly increasing {@code b}, so they cover the
 * key space exactly once: the choice of boundaries only balances the ranges. A table without a
 * primary key is one range, and the plan says why.
 */
public final class RangePlanner {
  /**
   * The state machine gathers a table's range results into one PublishTable input, and Step Functions
   * passes at most 256 KiB: about 870 ranges fit (docs/state-machine.md). A bigger table gets fewer,
   * larger ranges rather than a run that fails with States.DataLimitExceeded.
   */
  public static final int MAX_RANGES_PER_TABLE = 850;

  private final long rowsPerRange;

  public RangePlanner(long rowsPerRange) {
    if (rowsPerRange < 1) {
      throw new IllegalArgumentException("rowsPerRange must be positive");
    }
    this.rowsPerRange = rowsPerRange;
  }

  /** A plan for one table: its ranges (empty for the whole table in one piece) and why. */
  public record TableRanges(List<KeyRange> ranges, String note) {}

  public TableRanges plan(SourceCatalog catalog, TableSchema schema, long estimatedRows) {
    if (schema.primaryKey().isEmpty()) {
      return new TableRanges(List.of(), "no primary key: exported as one range");
    }
    int wanted = (int) Math.min(MAX_RANGES_PER_TABLE, (estimatedRows + rowsPerRange - 1) / rowsPerRange);
    if (wanted <= 1) {
      return new TableRanges(List.of(), "small: one range");
    }
    String key = schema.column(schema.primaryKey().get(0)).name();
    KeyBoundaries bounds = catalog.boundaries(schema, wanted, estimatedRows);
    List<KeyRange> ranges = new ArrayList<>();
    String lo = null;
    for (String b : bounds.values()) {
      ranges.add(new KeyRange(ranges.size(), key, lo, b));
      lo = b;
    }
    ranges.add(new KeyRange(ranges.size(), key, lo, null));
    return new TableRanges(ranges, ranges.size() + " ranges of about " + rowsPerRange + " rows by "
        + bounds.method() + " boundaries of " + key);
  }
}
