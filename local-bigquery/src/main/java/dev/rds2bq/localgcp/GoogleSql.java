package dev.rds2bq.localgcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the GoogleSQL the product sends into DuckDB SQL for the local warehouse, token by token:
 * table paths in backticks, string literals, the few functions and type names that differ, and
 * {@code MERGE} without {@code INTO}. What it cannot run the same way it refuses with
 * {@link Refused}, naming the construct, rather than letting DuckDB give it another meaning.
 */
final class GoogleSql {
  /** The query uses something the stand-in does not serve; the message names it. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message);
    }
  }

  /** DuckDB SQL and the names of the {@code @parameters} in the order its {@code ?} marks bind them. */
  record Translated(String sql, List<String> parameters, List<List<String>> tables) {}

  /** GoogleSQL type name → the DuckDB type the warehouse stores it as (Warehouse.duckType). */
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("INT64", "BIGINT"), Map.entry("INTEGER", "BIGINT"), Map.entry("FLOAT64", "DOUBLE"),
      Map.entry("NUMERIC", "DECIMAL(38,9)"), Map.entry("DECIMAL", "DECIMAL(38,9)"), Map.entry("BIGNUMERIC", "DOUBLE"),
      Map.entry("BIGDECIMAL", "DOUBLE"), Map.entry("BOOL", "BOOLEAN"), Map.entry("BOOLEAN", "BOOLEAN"),
      Map.entry("STRING", "VARCHAR"), Map.entry("BYTES", "BLOB"), Map.entry("DATE", "DATE"),
      Map.entry("DATETIME", "TIMESTAMP"), Map.entry("TIMESTAMP", "TIMESTAMPTZ"), Map.entry("TIME", "TIME"));

  /** Functions whose DuckDB name differs; the arguments stay as they are. */
  private static final Map<String, String> RENAMED = Map.of(
      "BYTE_LENGTH", "strlen", "SAFE_CAST", "TRY_CAST", "COUNTIF", "count_if", "LOGICAL_AND", "bool_and",
      "LOGICAL_OR", "bool_or", "IS_NAN", "isnan");

  /** Things GoogleSQL has that DuckDB would read differently or not at all. */
  private static final Set<String> REFUSED_WORDS = Set.of("DECLARE", "BEGIN", "EXECUTE", "FARM_FINGERPRINT",
      "_TABLE_SUFFIX", "UNNEST", "STRUCT", "ARRAY", "SAFE", "EXPORT", "SYSTEM_TIME", "PIVOT", "UNPIVOT", "TABLESAMPLE");

  private GoogleSql() {}

  /**
   * @param project the project of the request: {@code project.dataset.table} paths must name it,
   *     since the warehouse is one project
   */
  static Translated toDuckDb(String sql, String project) {
    List<Token> tokens = tokens(sql);
    StringBuilder out = new StringBuilder();
    List<String> parameters = new ArrayList<>();
    List<List<String>> tables = new ArrayList<>();
    // What each open parenthesis adds when it closes ("" or ")" for a wrapped function), and whether it is a CAST's.
    Deque<String> closers = new ArrayDeque<>();
    Deque<Boolean> castParens = new ArrayDeque<>();
    String pendingCloser = "";
    boolean pendingCast = false;
    boolean statementEnded = false;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (statementEnded && t.kind != Kind.SPACE) {
        throw new Refused("more than one statement: the stand-in runs one statement per job (no scripts)");
      }
      switch (t.kind) {
        case SPACE, NUMBER -> out.append(t.text);
        case STRING -> out.append('\'').append(t.text.replace("'", "''")).append('\'');
        case PARAM -> {
          parameters.add(t.text);
          out.append('?');
        }
        case PATH -> path(t, project, out, tables);
        case WORD -> {
          String upper = t.text.toUpperCase(Locale.ROOT);
          if (REFUSED_WORDS.contains(upper)) {
            throw new Refused(upper + " is not served by the local stand-in");
          }
          Token next = next(tokens, i);
          Token previous = previous(tokens, i);
          boolean call = next != null && next.text.equals("(");
          if (upper.equals("_PARTITIONDATE")) {
            // The pseudo-column of ingestion-time partitioned tables: the date of _PARTITIONTIME (UTC).
            out.append("CAST(\"_PARTITIONTIME\" AS DATE)");
          } else if (upper.equals("MERGE") && previous == null) {
            out.append("MERGE");
            if (next == null || !next.text.equalsIgnoreCase("INTO")) {
              out.append(" INTO");
            }
          } else if (upper.equals("ROW") && previous != null && previous.text.equalsIgnoreCase("INSERT")) {
            out.append('*');
          } else if (upper.equals("EXCEPT") && previous != null && previous.text.equals("*") && call) {
            out.append("EXCLUDE");
          } else if (upper.equals("MD5") && call) {
            // GoogleSQL's MD5 gives BYTES, DuckDB's a hex string.
            out.append("unhex(md5");
            pendingCloser = ")";
          } else if (upper.equals("TO_HEX") && call) {
            out.append("lower(hex");
            pendingCloser = ")";
          } else if (upper.equals("CURRENT_TIMESTAMP") && call && isEmptyCall(tokens, i)) {
            out.append("current_timestamp");
            i = skipEmptyCall(tokens, i);
          } else if ((upper.equals("CAST") || upper.equals("SAFE_CAST")) && call) {
            out.append(upper.equals("CAST") ? "CAST" : "TRY_CAST");
            pendingCast = true;
          } else if (RENAMED.containsKey(upper) && call) {
            out.append(RENAMED.get(upper));
          } else if (TYPES.containsKey(upper) && previous != null && previous.text.equalsIgnoreCase("AS")
              && !castParens.isEmpty() && castParens.peek()) {
            out.append(TYPES.get(upper));
          } else if (TYPES.containsKey(upper) && next != null && next.kind == Kind.STRING && !upper.equals("STRING")
              && !upper.equals("BYTES")) {
            // A typed literal such as TIMESTAMP '2024-01-01 00:00:00+00'.
            out.append("CAST('").append(next.text.replace("'", "''")).append("' AS ").append(TYPES.get(upper)).append(')');
            i = indexOf(tokens, next, i);
          } else {
            out.append(t.text);
          }
        }
        case SYMBOL -> {
          if (t.text.equals("(")) {
            closers.push(pendingCloser);
            castParens.push(pendingCast);
            pendingCloser = "";
            pendingCast = false;
            out.append('(');
          } else if (t.text.equals(")")) {
            if (closers.isEmpty()) {
              throw new Refused("unbalanced ')' in the query");
            }
            out.append(')').append(closers.pop());
            castParens.pop();
          } else if (t.text.equals(";")) {
            statementEnded = true;
          } else {
            out.append(t.text);
          }
        }
        default -> throw new IllegalStateException(t.kind.name());
      }
    }
    if (!closers.isEmpty()) {
      throw new Refused("unbalanced '(' in the query");
    }
    return new Translated(out.toString(), parameters, tables);
  }

  /** A table or column path: the project part checked and dropped, each part quoted for DuckDB. */
  private static void path(Token t, String project, StringBuilder out, List<List<String>> tables) {
    List<String> parts = new ArrayList<>(List.of(t.text.split("\\.", -1)));
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new Refused("the name `" + t.text + "` has an empty part");
      }
      if (p.contains("$")) {
        throw new Refused("the name `" + t.text + "` has a partition decorator, which GoogleSQL queries do not"
            + " take; filter on the partitioning column or _PARTITIONTIME instead");
      }
    }
    if (parts.size() > 3) {
      throw new Refused("the name `" + t.text + "` has more parts than project.dataset.table");
    }
    if (parts.size() == 3 && (t.quoted || parts.get(0).equals(project))) {
      if (!parts.get(0).equals(project)) {
        throw new Refused("the table `" + t.text + "` is in project " + parts.get(0) + "; the local warehouse holds"
            + " project " + project + " only");
      }
      parts.remove(0);
    }
    if (parts.size() == 2) {
      tables.add(parts); // or a column of an alias: the caller keeps the names that are tables
    }
    for (int p = 0; p < parts.size(); p++) {
      out.append(p == 0 ? "" : ".").append(Warehouse.quote(parts.get(p)));
    }
  }

  private static int indexOf(List<Token> tokens, Token token, int from) {
    for (int j = from; j < tokens.size(); j++) {
      if (tokens.get(j) == token) {
        return j;
      }
    }
    throw new IllegalStateException();
  }

  private static boolean isEmptyCall(List<Token> tokens, int i) {
    int j = i + 1;
    while (j < tokens.size() && tokens.get(j).kind == Kind.SPACE) {
      j++;
    }
    j++;
    while (j < tokens.size() && tokens.get(j).kind == Kind.SPACE) {
      j++;
    }
    return j < tokens.size() && tokens.get(j).text.equals(")");
  }

  private static int skipEmptyCall(List<Token> tokens, int i) {
    int j = i + 1;
    while (!tokens.get(j).text.equals(")")) {
      j++;
    }
    return j;
  }

  private static Token next(List<Token> tokens, int i) {
    for (int j = i + 1; j < tokens.size(); j++) {
      if (tokens.get(j).kind != Kind.SPACE) {
        return tokens.get(j);
      }
    }
    return null;
  }

  private static Token previous(List<Token> tokens, int i) {
    for (int j = i - 1; j >= 0; j--) {
      if (tokens.get(j).kind != Kind.SPACE) {
        return tokens.get(j);
      }
    }
    return null;
  }

  private enum Kind { SPACE, WORD, PATH, STRING, NUMBER, PARAM, SYMBOL }

  /** For PATH, {@code quoted} says whether a backtick was part of it (table names are written that way). */
  private record Token(Kind kind, String text, boolean quoted) {}

  /**
   * GoogleSQL's lexical structure (docs: "Lexical structure and syntax"): quoted strings with
   * backslash escapes, backtick-quoted identifiers that may hold a whole dotted path, and comments
   * starting with {@code --}, {@code #} or {@code /*}. Identifiers joined by dots become one PATH.
   */
  private static List<Token> tokens(String sql) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        int j = i;
        while (j < n && Character.isWhitespace(sql.charAt(j))) {
          j++;
        }
        out.add(new Token(Kind.SPACE, sql.substring(i, j), false));
        i = j;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || c == '#') {
        int j = sql.indexOf('\n', i);
        j = j < 0 ? n : j;
        out.add(new Token(Kind.SPACE, " ", false));
        i = j;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int j = sql.indexOf("*/", i + 2);
        if (j < 0) {
          throw new Refused("unterminated comment");
        }
        out.add(new Token(Kind.SPACE, " ", false));
        i = j + 2;
      } else if (c == '\'' || c == '"') {
        if (sql.startsWith(String.valueOf(c).repeat(3), i)) {
          throw new Refused("triple-quoted strings are not served by the local stand-in");
        }
        StringBuilder s = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw new Refused("unterminated string literal");
          }
          char d = sql.charAt(j);
          if (d == '\\' && j + 1 < n) {
            char e = sql.charAt(j + 1);
            s.append(switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case '\\', '\'', '"', '`', '?' -> e;
              default -> throw new Refused("the escape \\" + e + " is not served by the local stand-in");
            });
            j += 2;
          } else if (d == c) {
            break;
          } else {
            s.append(d);
            j++;
          }
        }
        out.add(new Token(Kind.STRING, s.toString(), false));
        i = j + 1;
      } else if (c == '`' || Character.isLetter(c) || c == '_') {
        // A path: identifiers, quoted or not, joined by dots without spaces.
        StringBuilder path = new StringBuilder();
        boolean quoted = false;
        int j = i;
        while (true) {
          if (j < n && sql.charAt(j) == '`') {
            int end = sql.indexOf('`', j + 1);
            if (end < 0) {
              throw new Refused("unterminated quoted identifier");
            }
            path.append(sql, j + 1, end);
            quoted = true;
            j = end + 1;
          } else {
            int k = j;
            while (k < n && (Character.isLetterOrDigit(sql.charAt(k)) || sql.charAt(k) == '_'
                || (quoted && sql.charAt(k) == '-'))) {
              k++;
            }
            if (k == j) {
              break;
            }
            path.append(sql, j, k);
            j = k;
          }
          if (j < n && sql.charAt(j) == '.' && j + 1 < n
              && (sql.charAt(j + 1) == '`' || Character.isLetter(sql.charAt(j + 1)) || sql.charAt(j + 1) == '_')) {
            path.append('.');
            j++;
          } else {
            break;
          }
        }
        String text = path.toString();
        boolean single = !text.contains(".");
        if (single && !quoted && (text.length() == 1 && (text.equals("r") || text.equals("b")))
            && j < n && (sql.charAt(j) == '\'' || sql.charAt(j) == '"')) {
          throw new Refused("raw and bytes literals (r'...', b'...') are not served by the local stand-in");
        }
        out.add(single && !quoted ? new Token(Kind.WORD, text, false) : new Token(Kind.PATH, text, quoted));
        i = j;
      } else if (Character.isDigit(c)) {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '.'
            || ((sql.charAt(j) == '+' || sql.charAt(j) == '-') && (sql.charAt(j - 1) == 'e' || sql.charAt(j - 1) == 'E')))) {
          j++;
        }
        out.add(new Token(Kind.NUMBER, sql.substring(i, j), false));
        i = j;
      } else if (c == '@') {
        if (i + 1 < n && sql.charAt(i + 1) == '@') {
          throw new Refused("system variables (@@...) are not served by the local stand-in");
        }
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
          j++;
        }
        out.add(new Token(Kind.PARAM, sql.substring(i + 1, j), false));
        i = j;
      } else {
        // Two-character operators stay together so that neighbours are judged correctly.
        String two = i + 1 < n ? sql.substring(i, i + 2) : "";
        if (two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=") || two.equals("||")) {
          out.add(new Token(Kind.SYMBOL, two, false));
          i += 2;
        } else {
          out.add(new Token(Kind.SYMBOL, String.valueOf(c), false));
          i++;
        }
      }
    }
    return out;
  }
}
