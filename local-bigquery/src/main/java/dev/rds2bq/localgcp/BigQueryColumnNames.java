package dev.rds2bq.localgcp;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * BigQuery's column-name rule as Google documents it for flexible column names
 * (https://cloud.google.com/bigquery/docs/schemas#flexible-column-names): letters, marks and numbers
 * of any script, connector punctuation, dashes, spaces and {@code & % = + : ' < > # |}; at most 300
 * characters; none of the reserved prefixes; unique without regard to case. Written apart from
 * rds2bq's own naming code on purpose, so that the two cannot agree on a mistake.
 */
final class BigQueryColumnNames {
  private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd}\\p{Zs}&%=+:'<>#|]+");
  private static final List<String> RESERVED = List.of("_PARTITION", "_TABLE_", "_FILE_", "_ROW_TIMESTAMP", "__ROOT__",
      "_COLIDENTIFIER", "_CHANGE_SEQUENCE_NUMBER", "_CHANGE_TYPE", "_CHANGE_TIMESTAMP");

  private BigQueryColumnNames() {}

  /** BigQuery's message for a name it refuses, or null. */
  static String refusal(String name) {
    if (name == null || !ALLOWED.matcher(name).matches() || name.codePointCount(0, name.length()) > 300) {
      return "Invalid field name \"" + name + "\". Fields must contain the allowed characters, and be at most 300"
          + " characters long. For allowed characters, please refer to"
          + " https://cloud.google.com/bigquery/docs/schemas#column_names";
    }
    String upper = name.toUpperCase(Locale.ROOT);
    if (RESERVED.stream().anyMatch(upper::startsWith)) {
      return "Invalid field name \"" + name + "\". Field names are not allowed to start with the (case-insensitive)"
          + " prefixes " + String.join(", ", RESERVED);
    }
    return null;
  }

  /** The first refusal among {@code names}: an invalid name, or two that differ only in case. */
  static String refusal(List<String> names) {
    Map<String, String> seen = new HashMap<>();
    for (String name : names) {
      String problem = refusal(name);
      if (problem != null) {
        return problem;
      }
      String other = seen.putIfAbsent(name.toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT)
          .toLowerCase(Locale.ROOT), name);
      if (other != null) {
        return "Duplicate column names in the schema: \"" + other + "\" and \"" + name
            + "\" (column names are compared without regard to case)";
      }
    }
    return null;
  }
}
