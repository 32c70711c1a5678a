package dev.rds2bq.naming;

import dev.rds2bq.error.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The output name of every kept column: the Parquet field name and the BigQuery column name, one
 * and the same (docs/type-mapping.md#column-names). A source name BigQuery accepts is kept as it
 * is; one it refuses gets a readable, deterministic replacement; a per-table rename from the config
 * wins over both. The rules follow Google's "flexible column names" and the Parquet page's
 * limitations on them, or, with {@link Characters#ASCII}, the letters, digits and underscores every
 * BigQuery project accepts.
 */
public final class ColumnNames {
  /** Which characters a name may keep. */
  public enum Characters {
    /** BigQuery's flexible column names: letters and digits of any script, marks, spaces, some symbols. */
    FLEXIBLE,
    /** {@code A-Z a-z 0-9 _}, not starting with a digit: for readers that cannot take more. */
    ASCII
  }

  public static final int MAX_LENGTH = 300;
  /** Prefixes BigQuery reserves, compared without regard to case. */
  public static final List<String> RESERVED_PREFIXES = List.of("_TABLE_", "_FILE_", "_PARTITION", "_ROW_TIMESTAMP",
      "__ROOT__", "_COLIDENTIFIER", "_CHANGE_SEQUENCE_NUMBER", "_CHANGE_TYPE", "_CHANGE_TIMESTAMP");
  /** Symbols the flexible rule allows besides letters, marks, numbers, connectors and dashes. */
  private static final String FLEXIBLE_SYMBOLS = "&%=+:'<>#|";

  public static final ColumnNames DEFAULT = new ColumnNames(Characters.FLEXIBLE, Map.of());

  private final Characters characters;
  /** "database.table" → (source column → output name). */
  private final Map<String, Map<String, String>> renames;

  public ColumnNames(Characters characters, Map<String, Map<String, String>> renames) {
    this.characters = characters == null ? Characters.FLEXIBLE : characters;
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    if (renames != null) {
      renames.forEach((table, columns) -> copy.put(table, columns == null ? Map.of() : Map.copyOf(columns)));
    }
    this.renames = Map.copyOf(copy);
  }

  public Characters characters() {
    return characters;
  }

  public Map<String, Map<String, String>> renames() {
    return renames;
  }

  /**
   * Why {@code name} cannot be a column name under {@code characters}, or null when it can: a
   * character outside the set, a period (the Parquet page's limitation), a reserved prefix, more than
   * 300 characters, or nothing at all.
   */
  public static String problem(String name, Characters characters) {
    if (name == null || name.isEmpty()) {
      return "it is empty";
    }
    if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
      return "it is longer than " + MAX_LENGTH + " characters";
    }
    int[] cps = name.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      if (!allowed(cps[i], i == 0, characters)) {
        return "'" + new String(Character.toChars(cps[i])) + "' (U+" + String.format("%04X", cps[i])
            + ") is not allowed in " + (characters == Characters.ASCII ? "an ASCII" : "a flexible") + " column name";
      }
    }
    String reserved = reservedPrefix(name);
    if (reserved != null) {
      return "it starts with " + reserved + ", a prefix BigQuery reserves";
    }
    return null;
  }

  /**
   * Output names for the kept columns of {@code database.table}, in their order. {@code dropped} are
   * the table's other columns, which a rename may not name. A rename that names no kept column, that
   * BigQuery would refuse, or that collides with another column's name fails with
   * {@link ConfigException} naming the table, the column and the fix.
   */
  public List<String> assign(String database, String table, List<String> kept, List<String> dropped) {
    String qualified = database + "." + table;
    Map<String, String> wanted = renamesFor(qualified);
    String[] explicit = new String[kept.size()];
    Set<String> used = new HashSet<>();
    for (Map.Entry<String, String> r : wanted.entrySet()) {
      int at = indexOf(kept, r.getKey());
      if (at < 0) {
        String why = indexOf(dropped, r.getKey()) >= 0 ? "the masking policy drops it"
            : "the table has no such column; its columns are " + joined(kept, dropped);
        throw new ConfigException("config key 'columnNames.rename' names column '" + r.getKey() + "' of table "
            + qualified + ", but " + why + ". Fix: remove or correct the entry");
      }
      explicit[at] = r.getValue();
    }
    for (int i = 0; i < kept.size(); i++) {
      if (explicit[i] != null && !used.add(fold(explicit[i]))) {
        throw new ConfigException("config key 'columnNames.rename' of table " + qualified + " gives the name '"
            + explicit[i] + "' twice (names are compared without regard to case). Fix: choose distinct names");
      }
    }
    String[] out = explicit.clone();
    // Names BigQuery takes as they are claim theirs before any replacement does, so a column really
    // called a_b keeps that name and the fallback for "a.b" moves aside.
    for (int i = 0; i < kept.size(); i++) {
      String base = natural(kept.get(i), characters);
      if (out[i] == null && base.equals(kept.get(i))) {
        int renamed = explicitIndex(explicit, base);
        if (renamed >= 0) {
          throw new ConfigException("config key 'columnNames.rename' of table " + qualified + " renames column '"
              + kept.get(renamed) + "' to '" + explicit[renamed] + "', the name of column '" + kept.get(i) + "'. Fix: choose"
              + " another name, or rename '" + kept.get(i) + "' too");
        }
        out[i] = unique(base, used);
      }
    }
    for (int i = 0; i < kept.size(); i++) {
      if (out[i] == null) {
        out[i] = unique(natural(kept.get(i), characters), used);
      }
    }
    return List.of(out);
  }

  /** {@code base}, or the first free {@code base_2}, {@code base_3}, ... within 300 characters. */
  private static String unique(String base, Set<String> used) {
    String candidate = base;
    for (int n = 2; !used.add(fold(candidate)); n++) {
      String suffix = "_" + n;
      candidate = truncate(base, MAX_LENGTH - suffix.length()) + suffix;
    }
    return candidate;
  }

  /** The name a source column gets without a rename: itself when valid, else the readable replacement. */
  public static String natural(String source, Characters characters) {
    if (source.isEmpty()) {
      return "_";
    }
    StringBuilder sb = new StringBuilder(source.length());
    boolean readable = false;
    int[] cps = source.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      // A leading digit is only a problem in ASCII mode, and is kept there behind an underscore.
      boolean ok = allowed(cps[i], false, characters);
      if (ok) {
        sb.appendCodePoint(cps[i]);
        readable |= Character.isLetter(cps[i]) || Character.getNumericValue(cps[i]) >= 0;
      } else {
        sb.append('_');
      }
    }
    String s = sb.toString();
    if (!readable) {
      // Nothing but symbols (a name of emoji, say): spell the characters out rather than leave "__".
      StringBuilder spelled = new StringBuilder();
      for (int cp : cps) {
        spelled.append(spelled.length() == 0 ? "u" : "_u").append(String.format("%04X", cp));
      }
      s = spelled.toString();
    }
    if (characters == Characters.ASCII && Character.isDigit(s.charAt(0))) {
      s = "_" + s;
    }
    if (reservedPrefix(s) != null) {
      s = "c" + s;
    }
    return truncate(s, MAX_LENGTH);
  }

  private Map<String, String> renamesFor(String qualified) {
    Map<String, String> r = renames.get(qualified);
    if (r != null) {
      return r;
    }
    for (Map.Entry<String, Map<String, String>> e : renames.entrySet()) {
      if (e.getKey().equalsIgnoreCase(qualified)) {
        return e.getValue();
      }
    }
    return Map.of();
  }

  private static boolean allowed(int cp, boolean first, Characters characters) {
    if (characters == Characters.ASCII) {
      boolean letter = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
      return letter || (!first && cp >= '0' && cp <= '9');
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER:
      case Character.LOWERCASE_LETTER:
      case Character.TITLECASE_LETTER:
      case Character.MODIFIER_LETTER:
      case Character.OTHER_LETTER:
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.COMBINING_SPACING_MARK:
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.LETTER_NUMBER:
      case Character.OTHER_NUMBER:
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.SPACE_SEPARATOR:
        return true;
      default:
        return cp < 0x80 && FLEXIBLE_SYMBOLS.indexOf(cp) >= 0;
    }
  }

  private static String reservedPrefix(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    for (String prefix : RESERVED_PREFIXES) {
      if (upper.startsWith(prefix)) {
        return prefix;
      }
    }
    return null;
  }

  /** Case folded as BigQuery compares column names: without regard to case. */
  static String fold(String name) {
    return name.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
  }

  private static int indexOf(List<String> names, String name) {
    int exact = names.indexOf(name);
    if (exact >= 0) {
      return exact;
    }
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) { // MySQL column names ignore case
        return i;
      }
    }
    return -1;
  }

  private static int explicitIndex(String[] explicit, String name) {
    for (int i = 0; i < explicit.length; i++) {
      if (explicit[i] != null && fold(explicit[i]).equals(fold(name))) {
        return i;
      }
    }
    return -1;
  }

  private static String joined(List<String> kept, List<String> dropped) {
    List<String> all = new ArrayList<>(kept);
    all.addAll(dropped);
    return all.toString();
  }

  private static String truncate(String s, int max) {
    return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max));
  }
}
