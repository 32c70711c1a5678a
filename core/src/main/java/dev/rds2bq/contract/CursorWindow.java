package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rds2bq.error.InvalidInputException;

/**
 * The rows of an incremental read: {@code column > after} (exclusive; null reads from the start)
 * and {@code column <= upTo} (inclusive). A request leaves {@code upTo} out: the export reads the
 * column's largest value inside the same consistent snapshot as the rows it then reads, so no row
 * committed after the snapshot can fall below the mark unread. The result reports the {@code upTo}
 * it used. Values travel as text, as the source prints them (docs/data-contract.md#cursor-windows).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CursorWindow(String column, String after, String upTo) {
  public void validate() {
    if (column == null || column.isBlank()) {
      throw new InvalidInputException("window needs 'column', the cursor column (with optional 'after' and 'upTo')");
    }
  }

  /** The same window with its upper mark as read in the snapshot. */
  public CursorWindow upTo(String mark) {
    return new CursorWindow(column, after, mark);
  }

  /**
   * Orders two marks of one cursor: integers by value, date-times as text (the sources print them
   * in one fixed-width form, so text order is time order).
   */
  public static int compareMarks(String a, String b) {
    if (a.matches("-?\\d+") && b.matches("-?\\d+")) {
      return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
    }
    return a.compareTo(b);
  }
}
