package dev.rds2bq.localrun;

import java.io.PrintStream;
import java.util.List;

/**
 * The closing table: rows in MySQL, in Parquet (the files' footers) and in the warehouse (once the run
 * loads), masked columns, files, size and export time per table.
 */
final class Summary {
  private final PrintStream out;

  Summary(PrintStream out) {
    this.out = out;
  }

  void print(List<SummaryRow> rows, double seconds) {
    int width = Math.max(5, rows.stream().mapToInt(r -> r.table().length()).max().orElse(5));
    String format = "%-" + width + "s %12s %12s %12s %6s %6s %10s %8s  %s%n";
    out.println();
    out.printf(format, "table", "source rows", "Parquet rows", "warehouse", "ranges", "files", "bytes", "ms",
        "masked columns");
    out.println("-".repeat(width + 80));
    long mysql = 0;
    long parquet = 0;
    long bytes = 0;
    long warehouse = rows.isEmpty() ? -1 : 0;
    for (SummaryRow r : rows) {
      String status = r.error() != null ? "FAILED: " + r.error()
          : !r.ok() ? "ROW COUNT MISMATCH"
          : (r.changeSet() ? "change set (Parquet rows: the rows after the mark)" + (r.masked().isEmpty() ? "" : "; ")
              : "") + String.join(", ", r.masked());
      out.printf(format, r.table(), String.format("%,d", r.mysqlRows()),
          r.parquetRows() < 0 ? "-" : String.format("%,d", r.parquetRows()),
          r.warehouseRows() == null ? "-" : String.format("%,d", r.warehouseRows()), r.ranges(), r.files(), human(r.bytes()),
          r.millis(), status);
      mysql += r.mysqlRows();
      parquet += Math.max(0, r.parquetRows());
      bytes += r.bytes();
      warehouse = r.warehouseRows() == null || warehouse < 0 ? -1 : warehouse + r.warehouseRows();
    }
    out.println("-".repeat(width + 80));
    out.printf(format, "total", String.format("%,d", mysql), String.format("%,d", parquet), warehouse < 0 ? "-"
        : String.format("%,d", warehouse),
        rows.stream().mapToInt(SummaryRow::ranges).sum(), rows.stream().mapToInt(SummaryRow::files).sum(), human(bytes), String.format("%.0f", seconds * 1000),
        rows.stream().allMatch(SummaryRow::ok) ? "all tables published" : "INCOMPLETE");
  }

  private static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format("%.1f KiB", bytes / 1024.0);
    }
    return String.format("%.1f MiB", bytes / (1024.0 * 1024));
  }
}
