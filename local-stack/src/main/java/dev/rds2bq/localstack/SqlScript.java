package dev.rds2bq.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs a mysql-client style script over JDBC: statements end with the current delimiter, which
 * {@code DELIMITER} lines change (the Sakila schema uses them for triggers and procedures).
 * Quotes and comments are respected, so a ';' inside a string does not end a statement.
 */
public final class SqlScript {
  private SqlScript() {}

  public static int run(Connection c, InputStream script) throws IOException, SQLException {
    BufferedReader in = new BufferedReader(new InputStreamReader(script, StandardCharsets.UTF_8), 1 << 16);
    String delimiter = ";";
    StringBuilder stmt = new StringBuilder();
    int count = 0;
    char quote = 0;
    boolean blockComment = false;
    try (Statement s = c.createStatement()) {
      String line;
      while ((line = in.readLine()) != null) {
        if (quote == 0 && !blockComment && stmt.length() == 0) {
          String t = line.trim();
          if (t.regionMatches(true, 0, "DELIMITER ", 0, 10)) {
            delimiter = t.substring(10).trim();
            continue;
          }
          if (t.isEmpty() || t.startsWith("--") || t.startsWith("#")) {
            continue;
          }
        }
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
          char ch = line.charAt(i);
          if (blockComment) {
            if (ch == '*' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
              blockComment = false;
              i++;
            }
          } else if (quote != 0) {
            if (ch == '\\') {
              i++;
            } else if (ch == quote) {
              quote = 0;
            }
          } else if (ch == '\'' || ch == '"' || ch == '`') {
            quote = ch;
          } else if (ch == '/' && i + 1 < line.length() && line.charAt(i + 1) == '*'
              && !(i + 2 < line.length() && line.charAt(i + 2) == '!')) {
            blockComment = true;
          } else if (ch == '-' && (line.startsWith("-- ", i) || i == line.length() - 2 && line.endsWith("--"))) {
            stmt.append(line, start, i);
            start = line.length();
            break;
          } else if (line.startsWith(delimiter, i)) {
            stmt.append(line, start, i);
            execute(s, stmt);
            count++;
            stmt.setLength(0);
            start = i + delimiter.length();
            i = start - 1;
          }
        }
        if (start < line.length()) {
          stmt.append(line, start, line.length()).append('\n');
        }
      }
      if (!stmt.toString().isBlank()) {
        execute(s, stmt);
        count++;
      }
    }
    return count;
  }

  private static void execute(Statement s, StringBuilder stmt) throws SQLException {
    String sql = stmt.toString().trim();
    if (!sql.isEmpty()) {
      s.execute(sql);
    }
  }
}
