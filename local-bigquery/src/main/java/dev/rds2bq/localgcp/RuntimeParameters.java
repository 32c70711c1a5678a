package dev.rds2bq.localgcp;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime parameters of Cloud Storage and Amazon S3 transfers, as Google documents them
 * ("Runtime parameters in transfers"): {@code {run_date}} is the run time's date as {@code YYYYMMDD},
 * and {@code {run_time[+|-offset]|"format"}} the run time (UTC) shifted by hours, minutes and
 * seconds ({@code 1.5h}, {@code 90m}, {@code 97s}) and formatted with {@code %Y %m %d %H %M %S}. A
 * destination may end in a partition decorator, {@code mytable$20180215}.
 */
final class RuntimeParameters {
  private static final Pattern PARAMETER = Pattern.compile("\\{(run_date|run_time(?:([+-])([0-9.]+)([hms]))?\\|\"([^\"]*)\")\\}");

  private RuntimeParameters() {}

  /** The template with every parameter replaced; an unknown one is refused. */
  static String render(String template, Instant runTime) {
    Matcher m = PARAMETER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value;
      if (m.group(1).equals("run_date")) {
        value = DateTimeFormatter.BASIC_ISO_DATE.format(runTime.atZone(ZoneOffset.UTC));
      } else {
        Instant t = runTime;
        if (m.group(2) != null) {
          double amount = Double.parseDouble(m.group(3)) * (m.group(2).equals("-") ? -1 : 1);
          long seconds = Math.round(amount * switch (m.group(4)) {
            case "h" -> 3600;
            case "m" -> 60;
            default -> 1;
          });
          t = t.plusSeconds(seconds);
        }
        value = format(m.group(5), t.atZone(ZoneOffset.UTC));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String rendered = out.toString();
    if (rendered.contains("{") || rendered.contains("}")) {
      throw new IllegalArgumentException("destination_table_name_template '" + template + "' has a parameter that is"
          + " not run_date or run_time[+|-offset]|\"format\"");
    }
    return rendered;
  }

  /** The table part of a rendered destination and its day decorator, if any ({@code $YYYYMMDD}). */
  record Destination(String table, LocalDate day) {
    static Destination of(String rendered) {
      int dollar = rendered.indexOf('$');
      if (dollar < 0) {
        return new Destination(rendered, null);
      }
      String decorator = rendered.substring(dollar + 1);
      if (!decorator.matches("[0-9]{8}")) {
        throw new IllegalArgumentException("partition decorator $" + decorator + " is not a day (YYYYMMDD); the local"
            + " stand-in loads day partitions only");
      }
      return new Destination(rendered.substring(0, dollar), LocalDate.parse(decorator, DateTimeFormatter.BASIC_ISO_DATE));
    }
  }

  private static String format(String pattern, ZonedDateTime t) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 == pattern.length()) {
        out.append(c);
        continue;
      }
      char f = pattern.charAt(++i);
      out.append(switch (f) {
        case 'Y' -> String.format("%04d", t.getYear());
        case 'm' -> String.format("%02d", t.getMonthValue());
        case 'd' -> String.format("%02d", t.getDayOfMonth());
        case 'H' -> String.format("%02d", t.getHour());
        case 'M' -> String.format("%02d", t.getMinute());
        case 'S' -> String.format("%02d", t.getSecond());
        case '%' -> "%";
        default -> throw new IllegalArgumentException("time format %" + f + " is not served by the local stand-in");
      });
    }
    return out.toString();
  }
}
