package dev.rds2bq.localrun;

import java.io.PrintStream;
import java.util.List;

/** The closing table: rows in MySQL and in Parquet, masked columns, files, size and time per table. */
final class Summary {
  private final PrintStream out;

  Summary(PrintStream out) {
    this.out = out;
  }

  void print(List<SummaryRow> rows, double seconds) {
    int width = Math.max(5, rows.stream().mapToInt(r -> r.table().length()).max().orElse(5));
    String format = "%-" + width + "s %12s %12s %6s %6s %10s %8s  %s%n";
    out.println();
    out.printf(format, "table", "MySQL rows", "Parquet rows", "ranges", "files", "bytes", "ms", "masked columns");
    out.println("-".repeat(width + 67));
    long mysql = 0;
    long parquet = 0;
    long bytes = 0;
    for (SummaryRow r : rows) {
      String status = r.error() != null ? "FAILED (" + r.error() + ")"
          : r.ok() ? String.join(", ", r.masked()) : "ROW COUNT MISMATCH";
      out.printf(format, r.table(), String.format("%,d", r.mysqlRows()),
          r.parquetRows() < 0 ? "-" : String.format("%,d", r.parquetRows()), r.ranges(), r.files(), human(r.bytes()),
          r.millis(), status);
      mysql += r.mysqlRows();
      parquet += Math.max(0, r.parquetRows());
      bytes += r.bytes();
    }
    out.println("-".repeat(width + 67));
    out.printf(format, "total", String.format("%,d", mysql), String.format("%,d", parquet),
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
