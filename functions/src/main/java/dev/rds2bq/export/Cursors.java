package dev.rds2bq.export;

import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.mask.TableMasking;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.types.SourceFamily;

/** What a cursor column must be, checked by PlanRun when it plans a window and by ExportTable when it reads one. */
public final class Cursors {
  private Cursors() {}

  /**
   * A cursor column must exist, increase in a type the window compares (an integer, DATETIME or
   * TIMESTAMP), never be NULL (such a row would fall outside every window, lost without a word) and
   * be kept as it is (its values mark windows in results and state, in clear).
   */
  public static void check(TableSchema schema, TableMasking masking, String name) {
    SourceColumn c = schema.column(name);
    String where = "cursor column '" + name + "' of " + schema.qualifiedName();
    if (c == null) {
      throw new InvalidInputException(where + " does not exist; name an increasing column of the table, e.g. its"
          + " updated_at");
    }
    SourceFamily family = c.mapping() == null ? null : c.mapping().family();
    if (family != SourceFamily.INT && family != SourceFamily.LONG && family != SourceFamily.UNSIGNED_BIGINT
        && family != SourceFamily.DATETIME && family != SourceFamily.TIMESTAMP) {
      throw new InvalidInputException(where + " is " + c.columnType() + "; a cursor must be an integer, DATETIME or"
          + " TIMESTAMP column that grows on every insert and update");
    }
    if (c.nullable()) {
      throw new InvalidInputException(where + " allows NULL: a row with NULL there would never fall inside a"
          + " window and would be lost; make the column NOT NULL or choose another cursor");
    }
    if (masking.masks(c.name())) {
      throw new InvalidInputException(where + " is masked by the policy: its values mark the windows in results"
          + " and state, in clear; choose a column the policy keeps");
    }
  }

  /**
   * A mark must be a value of the cursor's kind: an integer, or a date and time as the sources print
   * them ({@code 2026-11-01 00:05:00[.ffffff][+00]}); MySQL would compare anything else as a string
   * and answer a wrong window without an error.
   */
  public static void checkMark(TableSchema schema, SourceColumn cursor, String mark) {
    if (mark == null) {
      return;
    }
    boolean fits;
    if (integer(cursor)) {
      fits = mark.matches("-?\\d{1,20}");
    } else {
      java.util.regex.Matcher zone = ZONE.matcher(mark);
      String wall = zone.find() ? mark.substring(0, zone.start()) : mark;
      try {
        java.time.LocalDateTime.parse(wall, WALL);
        fits = true;
      } catch (java.time.format.DateTimeParseException e) {
        fits = false;
      }
    }
    if (!fits) {
      throw new InvalidInputException("the window's mark '" + mark + "' does not fit cursor column '" + cursor.name()
          + "' (" + cursor.columnType() + ") of " + schema.qualifiedName() + "; pass the marks a previous export"
          + " reported");
    }
  }

  /** Whether the column's values are integers (a lag is then a number, not a duration). */
  public static boolean integer(SourceColumn c) {
    SourceFamily f = c.mapping() == null ? null : c.mapping().family();
    return f == SourceFamily.INT || f == SourceFamily.LONG || f == SourceFamily.UNSIGNED_BIGINT;
  }

  private static final java.util.regex.Pattern ZONE = java.util.regex.Pattern.compile("([+-]\\d{2}(:?\\d{2})?|Z)$");
  private static final java.time.format.DateTimeFormatter WALL = new java.time.format.DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  /**
   * The window's lower mark: {@code mark} minus {@code lag}, in the form the source printed the mark
   * (the same fraction digits and zone suffix), so the source reads it back in the column's type. An
   * integer cursor's lag is a number; a time cursor's a duration ({@code 30s}, {@code 10m},
   * {@code 2h}, {@code 1d}, or a bare number of seconds).
   */
  public static String lower(String mark, String lag, SourceColumn cursor) {
    if (integer(cursor)) {
      if (!lag.matches("\\d+")) {
        throw new InvalidInputException("the lag '" + lag + "' of cursor column '" + cursor.name() + "' must be a"
            + " number: the cursor is an integer");
      }
      return new java.math.BigInteger(mark).subtract(new java.math.BigInteger(lag)).toString();
    }
    long seconds = seconds(lag);
    java.util.regex.Matcher zone = ZONE.matcher(mark);
    String suffix = zone.find() ? zone.group() : "";
    String wall = mark.substring(0, mark.length() - suffix.length());
    int dot = wall.indexOf('.');
    int digits = dot < 0 ? 0 : wall.length() - dot - 1;
    java.time.LocalDateTime t = java.time.LocalDateTime.parse(wall, WALL).minusSeconds(seconds);
    String text = t.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    if (digits > 0) {
      text += "." + String.format("%09d", t.getNano()).substring(0, digits);
    }
    return text + suffix;
  }

  private static long seconds(String lag) {
    long n = Long.parseLong(lag.replaceAll("[smhd]$", ""));
    return switch (lag.charAt(lag.length() - 1)) {
      case 'm' -> n * 60;
      case 'h' -> n * 3600;
      case 'd' -> n * 86_400;
      default -> n;
    };
  }

}
