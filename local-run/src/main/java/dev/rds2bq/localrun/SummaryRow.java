package dev.rds2bq.localrun;

import dev.rds2bq.export.ExportResult;
import dev.rds2bq.publish.PublishResult;
import java.util.List;

/** One line of the closing summary. */
record SummaryRow(String table, long mysqlRows, long parquetRows, long publishedRows, int ranges,
    List<String> masked, int files, long bytes, long millis, String error) {

  static SummaryRow of(List<ExportResult> results, long mysqlRows, long parquetRows, PublishResult published) {
    ExportResult first = results.get(0);
    List<String> masked = first.columns().stream()
        .filter(c -> !c.policy().equals("keep"))
        .map(c -> c.source() + ":" + c.policy().replaceAll("\\(.*", ""))
        .toList();
    return new SummaryRow(first.database() + "." + first.table(), mysqlRows, parquetRows, published.rows(),
        results.size(), masked, published.files(), published.bytes(),
        results.stream().mapToLong(ExportResult::durationMs).sum(), null);
  }

  static SummaryRow failed(String db, String table, long mysqlRows, String error) {
    return new SummaryRow(db + "." + table, mysqlRows, -1, -1, 0, List.of(), 0, 0, 0, error);
  }

  boolean ok() {
    return error == null && mysqlRows == parquetRows && parquetRows == publishedRows;
  }
}
