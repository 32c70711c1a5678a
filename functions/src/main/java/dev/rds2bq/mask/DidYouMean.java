package dev.rds2bq.mask;

import java.util.Collection;

/** The nearest known name to a misspelled one: the same name in another case, else one a few edits away. */
public final class DidYouMean {
  private DidYouMean() {}

  /** The suggestion, or null when no known name is close enough to be a likely typo. */
  public static String suggest(String name, Collection<String> known) {
    for (String k : known) {
      if (k.equalsIgnoreCase(name)) {
        return k;
      }
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    // One edit in short names, up to three in long ones: further than that is another name, not a typo.
    int allowed = Math.max(1, Math.min(3, name.length() / 4));
    for (String k : known) {
      int d = distance(name.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d <= allowed && d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /** " (did you mean 'x'?)" or "". */
  public static String hint(String name, Collection<String> known) {
    String s = suggest(name, known);
    return s == null ? "" : " (did you mean '" + s + "'?)";
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
