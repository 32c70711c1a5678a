package dev.rds2bq.load;

import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import dev.rds2bq.contract.ColumnReceipt;
import dev.rds2bq.contract.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares a loaded table with its snapshot's receipts: one query computes, in one scan, every
 * aggregate the export took of what it wrote (docs/data-contract.md#receipts), and each figure that
 * differs is named with its column and both values. This is what catches a conversion in the load
 * that keeps the row count: a time-zone shift, a TINYINT(1) read as BOOL, a rounded decimal.
 */
final class ReceiptCheck {
  private final BigQueryQueries queries;

  ReceiptCheck(BigQueryQueries queries) {
    this.queries = queries;
  }

  /** What the check found: the differences (none when the table matches) and the bytes the query read. */
  record Outcome(List<String> differences, long bytesProcessed) {}

  /**
   * @param table the loaded table as GoogleSQL names it, {@code `project.dataset.table`}
   * @param where a filter selecting the snapshot's rows (a partition), or null for the whole table
   */
  Outcome check(String what, String table, String where, Manifest manifest) {
    List<ColumnReceipt> receipts = manifest.receipts();
    BigQueryQueries.Result result = queries.run(what + ": checking its load receipt", sql(table, where, receipts));
    FieldValueList row = result.rows().get(0);
    List<String> differences = new ArrayList<>();
    long rows = row.get("row_count").getLongValue();
    if (rows != manifest.rows()) {
      differences.add("rows: " + manifest.rows() + " in the snapshot, " + rows + " in BigQuery");
    }
    for (int i = 0; i < receipts.size(); i++) {
      ColumnReceipt r = receipts.get(i);
      String c = "c" + i + "_";
      compareCount(differences, r, "null count", r.nulls(), row.get(c + "nulls"));
      if (hasFigure(r)) {
        compareValue(differences, r, "min", r.min(), text(r, row.get(c + "min")));
        compareValue(differences, r, "max", r.max(), text(r, row.get(c + "max")));
      }
      if (r.summed()) {
        compareValue(differences, r, "sum", r.sum(), text(r, row.get(c + "sum")));
      }
      if (r.bytes() != null) {
        compareCount(differences, r, "UTF-8 byte total", r.bytes(), row.get(c + "bytes"));
      }
      if (r.trues() != null) {
        compareCount(differences, r, "TRUE count", r.trues(), row.get(c + "trues"));
      }
      if (r.nans() != null) {
        compareCount(differences, r, "NaN count", r.nans(), row.get(c + "nans"));
      }
      if (r.keyChecksum() != null) {
        long loaded = row.get(c + "checksum").isNull() ? 0 : row.get(c + "checksum").getLongValue();
        if (loaded != r.keyChecksum()) {
          differences.add("column " + r.column() + ": key checksum " + r.keyChecksum() + " in the snapshot, " + loaded
              + " in BigQuery (a key changed, went missing or was added)");
        }
      }
    }
    return new Outcome(differences, result.bytesProcessed());
  }

  /** Whether the column's type carries a min and max, so a NULL one means the column was all NULL. */
  private static boolean hasFigure(ColumnReceipt r) {
    return switch (r.type()) {
      case "INT64", "NUMERIC", "FLOAT64", "DATE", "DATETIME", "TIMESTAMP" -> true;
      default -> false;
    };
  }

  /**
   * The one statement: {@code COUNT(*)} and, per column, the aggregates its receipt has. Column
   * names are backticked; each aggregate gets an alias {@code c<i>_<figure>}.
   */
  static String sql(String table, String where, List<ColumnReceipt> receipts) {
    StringBuilder q = new StringBuilder("SELECT COUNT(*) AS row_count");
    for (int i = 0; i < receipts.size(); i++) {
      ColumnReceipt r = receipts.get(i);
      String col = "`" + r.column().replace("`", "\\`") + "`";
      String c = "c" + i + "_";
      q.append(",\n  COUNTIF(").append(col).append(" IS NULL) AS ").append(c).append("nulls");
      if (hasFigure(r)) {
        // NaN apart: BigQuery's MIN and MAX return NaN when any value is one, which would hide the rest.
        String value = r.nans() == null ? col : "CASE WHEN IS_NAN(" + col + ") THEN NULL ELSE " + col + " END";
        q.append(", MIN(").append(value).append(") AS ").append(c).append("min");
        q.append(", MAX(").append(value).append(") AS ").append(c).append("max");
      }
      if (r.nans() != null) {
        q.append(", COUNTIF(IS_NAN(").append(col).append(")) AS ").append(c).append("nans");
      }
      if (r.summed()) {
        // NUMERIC holds 29 integer digits: an INT64 sum over any real table fits, where SUM(INT64) could overflow.
        q.append(", SUM(CAST(").append(col).append(" AS NUMERIC)) AS ").append(c).append("sum");
      }
      if (r.bytes() != null) {
        q.append(", SUM(BYTE_LENGTH(").append(col).append(")) AS ").append(c).append("bytes");
      }
      if (r.trues() != null) {
        q.append(", COUNTIF(").append(col).append(") AS ").append(c).append("trues");
      }
      if (r.keyChecksum() != null) {
        q.append(", BIT_XOR(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(CAST(").append(col)
            .append(" AS STRING))), 1, 15)) AS INT64)) AS ").append(c).append("checksum");
      }
    }
    q.append("\nFROM ").append(table);
    if (where != null) {
      q.append("\nWHERE ").append(where);
    }
    return q.toString();
  }

  /** A loaded figure in the receipt's text form: TIMESTAMP as microseconds, others as BigQuery writes them. */
  private static String text(ColumnReceipt r, FieldValue v) {
    if (v.isNull()) {
      return null;
    }
    return r.type().equals("TIMESTAMP") ? Long.toString(v.getTimestampValue()) : v.getStringValue();
  }

  private static void compareCount(List<String> out, ColumnReceipt r, String figure, long expected, FieldValue v) {
    long loaded = v.isNull() ? 0 : v.getLongValue();
    if (loaded != expected) {
      out.add("column " + r.column() + ": " + figure + " " + expected + " in the snapshot, " + loaded + " in BigQuery");
    }
  }

  private static void compareValue(List<String> out, ColumnReceipt r, String figure, String expected, String loaded) {
    boolean same = expected == null || loaded == null ? Objects.equals(expected, loaded) : r.compare(expected, loaded) == 0;
    if (!same) {
      out.add("column " + r.column() + ": " + figure + " " + show(r, expected) + " in the snapshot, " + show(r, loaded)
          + " in BigQuery");
    }
  }

  /** TIMESTAMP figures are kept as microseconds; people read them as instants. */
  private static String show(ColumnReceipt r, String v) {
    if (v == null) {
      return "NULL";
    }
    if (r.type().equals("TIMESTAMP")) {
      long micros = Long.parseLong(v);
      return java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)
          .toString();
    }
    return v;
  }
}
