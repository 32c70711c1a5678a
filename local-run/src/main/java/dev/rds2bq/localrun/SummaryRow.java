package dev.rds2bq.localrun;

import dev.rds2bq.export.ExportResult;
import java.util.List;

/** One line of the closing summary. */
record SummaryRow(String table, long mysqlRows, long parquetRows, List<String> masked, int files, long bytes,
    long millis, String error) {

  static SummaryRow of(ExportResult r, long mysqlRows, long parquetRows) {
    List<String> masked = r.columns().stream()
        .filter(c -> !c.policy().equals("keep"))
        .map(c -> c.source() + ":" + c.policy().replaceAll("\\(.*", ""))
        .toList();
    return new SummaryRow(r.database() + "." + r.table(), mysqlRows, parquetRows, masked, r.files().size(), r.bytes(),
        r.durationMs(), null);
  }

  static SummaryRow failed(String db, String table, long mysqlRows, String error) {
    return new SummaryRow(db + "." + table, mysqlRows, -1, List.of(), 0, 0, 0, error);
  }

  boolean ok() {
    return error == null && mysqlRows == parquetRows;
  }
}
