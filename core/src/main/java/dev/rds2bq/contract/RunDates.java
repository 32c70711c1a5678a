package dev.rds2bq.contract;

import dev.rds2bq.error.InvalidInputException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * What a run date may be. It names the day a snapshot was taken, orders the table's
 * {@code _latest.json} and sets the reference day of {@code age_band}, so a typo such as
 * {@code 2205-06-01} would freeze the pointer and age every birthday by two centuries: a run date is
 * never later than tomorrow in {@code runDateZone} (tomorrow, so that a schedule firing just before
 * midnight somewhere is never refused), and never more than {@code maxBackfillDays} before today.
 */
public final class RunDates {
  private RunDates() {}

  /** Parses {@code runDate} and checks both bounds; {@code field} names it in messages. */
  public static LocalDate check(String field, String runDate, ZoneId zone, Clock clock, int maxBackfillDays) {
    LocalDate date = notLaterThanTomorrow(field, runDate, zone, clock);
    LocalDate today = LocalDate.now(clock.withZone(zone));
    LocalDate oldest = today.minusDays(maxBackfillDays);
    if (date.isBefore(oldest)) {
      throw new InvalidInputException(field + " " + date + " is more than maxBackfillDays (" + maxBackfillDays
          + ") days before today (" + today + " in " + zone + "); raise config key maxBackfillDays to back-fill"
          + " that far, or check the date for a typo");
    }
    return date;
  }

  /** Parses {@code runDate} and checks that it is not later than tomorrow in {@code zone}. */
  public static LocalDate notLaterThanTomorrow(String field, String runDate, ZoneId zone, Clock clock) {
    LocalDate date = parse(field, runDate);
    LocalDate tomorrow = LocalDate.now(clock.withZone(zone)).plusDays(1);
    if (date.isAfter(tomorrow)) {
      throw new InvalidInputException(field + " " + date + " is later than tomorrow (" + tomorrow + " in " + zone
          + "): a run date is the day the snapshot is taken; check it for a typo");
    }
    return date;
  }

  /** {@code YYYY-MM-DD}, or an {@link InvalidInputException} naming the field. */
  public static LocalDate parse(String field, String runDate) {
    try {
      return LocalDate.parse(runDate == null ? "" : runDate);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field + " must be YYYY-MM-DD; got " + (runDate == null ? "nothing" : "'" + runDate + "'"));
    }
  }
}
