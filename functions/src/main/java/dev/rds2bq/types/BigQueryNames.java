package dev.rds2bq.types;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The column-name rule (docs/type-mapping.md, "Column names"): BigQuery wants letters, digits and
 * underscores, a first character that is a letter or underscore, at most 300 characters, names unique
 * without regard to case, and none of its reserved prefixes.
 */
public final class BigQueryNames {
  static final int MAX_LENGTH = 300;
  private static final String[] RESERVED_PREFIXES = {
    "_table_", "_file_", "_partition", "_row_timestamp", "__root__", "_colidentifier"
  };

  private BigQueryNames() {}

  /** Output names for the given source names, in the same order; unchanged where already valid. */
  public static List<String> assign(List<String> sourceNames) {
    List<String> out = new ArrayList<>(sourceNames.size());
    Set<String> taken = new HashSet<>();
    for (String name : sourceNames) {
      String base = sanitize(name);
      String candidate = base;
      for (int n = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); n++) {
        String suffix = "_" + n;
        candidate = truncate(base, MAX_LENGTH - suffix.length()) + suffix;
      }
      out.add(candidate);
    }
    return out;
  }

  static String sanitize(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
      sb.append(ok ? ch : '_');
    }
    String s = sb.length() == 0 ? "_" : sb.toString();
    if (Character.isDigit(s.charAt(0))) {
      s = "_" + s;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    for (String prefix : RESERVED_PREFIXES) {
      if (lower.startsWith(prefix)) {
        s = "c" + s;
        break;
      }
    }
    return truncate(s, MAX_LENGTH);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
