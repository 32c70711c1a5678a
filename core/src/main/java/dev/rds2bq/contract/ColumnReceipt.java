package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * A load receipt for one output column: aggregates of the values written to Parquet, computed as
 * they were written, that a query on the loaded BigQuery table must reproduce
 * (docs/data-contract.md#receipts). Which figures a column has depends on its BigQuery type; the
 * others are null:
 *
 * <ul>
 *   <li>every column: {@code nulls};
 *   <li>INT64, NUMERIC: {@code min}, {@code max}, {@code sum} as decimal text;
 *   <li>FLOAT64: {@code min}, {@code max} of the values that are not NaN, and {@code nans}, how many
 *       are NaN (BigQuery's MIN and MAX return NaN when any value is; a floating-point sum depends on
 *       the order of addition);
 *   <li>DATE ({@code 2026-01-31}), DATETIME ({@code 2026-01-31T10:00:00[.ffffff]}), TIMESTAMP
 *       (microseconds since the epoch): {@code min}, {@code max};
 *   <li>BOOL: {@code trues};
 *   <li>STRING: {@code bytes}, the sum of the values' UTF-8 lengths;
 *   <li>a primary-key column written as INT64 or STRING: {@code keyChecksum}, the XOR over all rows
 *       of the first 60 bits of the MD5 of the value's text.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnReceipt(String column, String type, long nulls, String min, String max, String sum, Long bytes,
    Long trues, Long keyChecksum, Long nans) {

  /** Whether {@code type} carries min, max and sum as numbers. */
  @JsonIgnore
  public boolean summed() {
    return type.equals("INT64") || type.equals("NUMERIC");
  }

  /** The receipt of two parts of one table (key ranges), each of the same column. */
  public ColumnReceipt plus(ColumnReceipt other) {
    if (!column.equals(other.column) || !type.equals(other.type)) {
      throw new IllegalArgumentException("receipts of " + column + " " + type + " and " + other.column + " "
          + other.type + " do not describe one column");
    }
    return new ColumnReceipt(column, type, nulls + other.nulls, pick(min, other.min, true), pick(max, other.max, false),
        combine(sum, other.sum, (a, b) -> a.add(b)), add(bytes, other.bytes, Long::sum), add(trues, other.trues, Long::sum),
        add(keyChecksum, other.keyChecksum, (a, b) -> a ^ b), add(nans, other.nans, Long::sum));
  }

  /** The receipt of a whole table from its ranges' receipts, column by column. */
  public static List<ColumnReceipt> combine(List<List<ColumnReceipt>> parts) {
    List<ColumnReceipt> out = null;
    for (List<ColumnReceipt> part : parts) {
      if (part == null) {
        return null; // a range exported without receipts: the table has none
      }
      if (out == null) {
        out = new ArrayList<>(part);
        continue;
      }
      if (part.size() != out.size()) {
        throw new IllegalArgumentException("ranges have receipts of " + out.size() + " and " + part.size() + " columns");
      }
      for (int i = 0; i < out.size(); i++) {
        out.set(i, out.get(i).plus(part.get(i)));
      }
    }
    return out;
  }

  /**
   * Compares two figures of this column's type: -1, 0 or 1. Text forms differ in writing (trailing
   * zeros, fractions), so values are compared, never strings.
   */
  public int compare(String a, String b) {
    return switch (type) {
      case "INT64", "NUMERIC", "BIGNUMERIC" -> new BigDecimal(a).compareTo(new BigDecimal(b));
      case "FLOAT64" -> Double.compare(Double.parseDouble(a), Double.parseDouble(b));
      case "DATE" -> LocalDate.parse(a).compareTo(LocalDate.parse(b));
      case "DATETIME" -> LocalDateTime.parse(a.replace(' ', 'T')).compareTo(LocalDateTime.parse(b.replace(' ', 'T')));
      case "TIMESTAMP" -> new BigInteger(a).compareTo(new BigInteger(b));
      default -> a.compareTo(b);
    };
  }

  private String pick(String a, String b, boolean lower) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    int c = compare(a, b);
    return (lower ? c <= 0 : c >= 0) ? a : b;
  }

  private static String combine(String a, String b, BinaryOperator<BigDecimal> op) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    BigDecimal v = op.apply(new BigDecimal(a), new BigDecimal(b)).stripTrailingZeros();
    return v.signum() == 0 ? "0" : v.toPlainString();
  }

  private static Long add(Long a, Long b, BinaryOperator<Long> op) {
    return a == null ? b : b == null ? a : op.apply(a, b);
  }
}
