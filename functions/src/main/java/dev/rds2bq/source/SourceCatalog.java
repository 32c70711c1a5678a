package dev.rds2bq.source;

import java.util.List;

/**
 * Metadata and splits of one database (the first two roles of a {@link Source}), and a bounded
 * sample of column values ({@link ValueSampler#sample}) for the value scan. Every method
 * throws only the project's error classes: an unknown database or table is an
 * {@code InvalidInputException} that names it, a refused login a {@code ConfigException}, anything
 * else from the driver a {@code SourceUnavailableException}.
 */
public interface SourceCatalog extends ValueSampler, AutoCloseable {
  /** The database's base tables (never views) with the engine's size estimates, sorted by name. */
  List<TableSize> tables();

  /** One base table: its columns in the shared model, in ordinal order, its comment and primary key. */
  TableSchema table(String name);

  /**
   * Up to {@code ranges - 1} values of the table's first primary-key column that cut it into about
   * {@code ranges} ranges of similar size, from the engine's estimates or one ordered scan of the key
   * alone. Fewer values (none for an empty table) are fine: any increasing values cover the key
   * space exactly once, they only balance the ranges.
   */
  KeyBoundaries boundaries(TableSchema table, int ranges, long estimatedRows);

  /**
   * Whether an index of the table starts with {@code column}: what lets a cursor window read the
   * changed rows by a range scan instead of scanning the table.
   */
  boolean leadsAnIndex(TableSchema table, String column);

  /**
   * The engine's estimate of the rows with {@code column > after}, from its plan of that read (an
   * index dive, never a scan), or -1 when it gives none: what a change set is split by, rather than
   * the whole table's size.
   */
  default long rowsAfter(TableSchema table, String column, String after) {
    return -1;
  }

  @Override
  void close();
}
