package dev.rds2bq.source;

import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.KeyRange;
import java.util.List;

/**
 * One consistent, read-only snapshot of a database (the third role of a {@link Source}): a table's
 * rows, or one key range of them, streamed with constant memory, and row counts, all as of the same
 * moment. Errors are the project's classes, as for {@link SourceCatalog}.
 */
public interface SourceSnapshot extends AutoCloseable {
  /** One base table, as {@link SourceCatalog#table} describes it, read inside the snapshot. */
  TableSchema table(String name);

  /**
   * The named columns, in that order, of every row of the table or of {@code range} (over the first
   * primary-key column; null for the whole table). One stream at a time.
   */
  default RowStream rows(TableSchema table, List<String> columns, KeyRange range) {
    return rows(table, columns, range, null);
  }

  /**
   * The same, narrowed to a cursor window: {@code column > after} (when given) and
   * {@code column <= upTo} (when given), compared in the column's own type so that an index on it
   * serves the read.
   */
  RowStream rows(TableSchema table, List<String> columns, KeyRange range, CursorWindow window);

  /**
   * The largest value of {@code column} inside this snapshot, as text the window's bounds accept;
   * null for a table without rows (or only NULLs there).
   */
  String maxValue(TableSchema table, String column);

  /**
   * How far behind its primary the snapshot's server is, read on the snapshot's own connection
   * before any row: ExportTable does not add a scan to a replica that is catching up.
   */
  ReplicaLag replicaLag();

  /** The rows of the table or of {@code range}. */
  long count(TableSchema table, KeyRange range);

  /**
   * Ends the snapshot. A stream left unfinished (a failure elsewhere) drops the connection instead,
   * so that closing never reads the rest of a table.
   */
  @Override
  void close();
}
