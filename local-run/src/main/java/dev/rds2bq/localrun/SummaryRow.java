package dev.rds2bq.localrun;

import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.PublishResult;
import java.util.List;

/**
 * One line of the closing summary. {@code warehouseRows} is null until the run loads (the loads fill
 * it from the local warehouse); {@code error} is set for a table that failed.
 */
record SummaryRow(String table, long mysqlRows, long parquetRows, long publishedRows, Long warehouseRows, int ranges,
    List<String> masked, int files, long bytes, long millis, String error, boolean changeSet) {

  SummaryRow(String table, long mysqlRows, long parquetRows, long publishedRows, Long warehouseRows, int ranges,
      List<String> masked, int files, long bytes, long millis, String error) {
    this(table, mysqlRows, parquetRows, publishedRows, warehouseRows, ranges, masked, files, bytes, millis, error, false);
  }

  static SummaryRow of(List<ExportResult> results, long mysqlRows, long parquetRows, PublishResult published) {
    ExportResult first = results.get(0);
    List<String> masked = first.columns().stream()
        .filter(c -> !c.policy().equals("keep"))
        .map(c -> c.source() + ":" + c.policy().replaceAll("\\(.*", ""))
        .toList();
    return new SummaryRow(RunProgress.name(first.source(), first.database(), first.table()), mysqlRows, parquetRows, published.rows(), null,
        results.size(), masked, published.files(), published.bytes(),
        results.stream().mapToLong(ExportResult::durationMs).sum(), null,
        first.window() != null && first.window().after() != null);
  }

  static SummaryRow failed(String name, long mysqlRows, String error) {
    return new SummaryRow(name, mysqlRows, -1, -1, null, 0, List.of(), 0, 0, 0, error);
  }

  /** The same line with the rows the warehouse holds after the load. */
  SummaryRow withWarehouseRows(long rows) {
    return new SummaryRow(table, mysqlRows, parquetRows, publishedRows, rows, ranges, masked, files, bytes, millis, error,
        changeSet);
  }

  /** The same line for a published table that failed afterwards (its load). */
  SummaryRow withError(String why) {
    return new SummaryRow(table, mysqlRows, parquetRows, publishedRows, warehouseRows, ranges, masked, files, bytes, millis, why,
        changeSet);
  }

  /**
   * Whether the counts agree: a snapshot's rows everywhere; a change set's (the rows after the mark,
   * fewer than the table's) in its files and manifest, the warehouse's checked by the merge itself.
   */
  boolean ok() {
    if (changeSet) {
      return error == null && parquetRows == publishedRows;
    }
    return error == null && mysqlRows == parquetRows && parquetRows == publishedRows
        && (warehouseRows == null || warehouseRows == parquetRows);
  }
}
