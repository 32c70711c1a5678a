package dev.rds2bq.source;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The value scan's sampling order, shared by every engine's sampler: at most {@code rows} rows, the
 * first half by ascending primary key (the oldest rows) and the rest by descending key (the newest,
 * where a new free-text feature shows first), a row met by both halves counted once; a table without
 * a primary key gives its first rows. The engine supplies the SELECT (key columns first, then the
 * sampled values cut by the server), its identifier quoting and how one statement is run.
 */
public final class KeyOrderedSample {
  private KeyOrderedSample() {}

  /** Runs one sampling statement: {rows passed to the sink, 1 if the budget ran out}. */
  @FunctionalInterface
  public interface Statement {
    int[] read(String sql, Set<String> seen) throws SQLException;
  }

  public static ValueSampler.Stats sample(String select, List<String> key, UnaryOperator<String> quote, int rows,
      long startedNanos, Statement statement) throws SQLException {
    int read;
    boolean exhausted;
    if (key.isEmpty()) {
      int[] r = statement.read(select + " LIMIT " + rows, null);
      read = r[0];
      exhausted = r[1] == 1;
    } else {
      int first = (rows + 1) / 2;
      Set<String> seen = new HashSet<>();
      int[] r = statement.read(select + order(key, quote, "ASC") + " LIMIT " + first, seen);
      read = r[0];
      exhausted = r[1] == 1;
      // Fewer rows than asked for: the table is read whole, and the newest rows are among them.
      if (!exhausted && read == first && rows - first > 0) {
        int[] d = statement.read(select + order(key, quote, "DESC") + " LIMIT " + (rows - first), seen);
        read += d[0];
        exhausted = d[1] == 1;
      }
    }
    return new ValueSampler.Stats(read, exhausted, (System.nanoTime() - startedNanos) / 1_000_000);
  }

  private static String order(List<String> key, UnaryOperator<String> quote, String direction) {
    StringBuilder b = new StringBuilder(" ORDER BY ");
    for (int i = 0; i < key.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(quote.apply(key.get(i))).append(' ').append(direction);
    }
    return b.toString();
  }

  /**
   * Passes the values of {@code rs} (key columns first, then one per sampled column) to the sink until
   * the deadline: {rows passed, 1 if the deadline came first}. A row whose key is in {@code seen} is
   * skipped; binary columns are read as UTF-8 text. {@code passed[0]} counts the rows as they go, so
   * an engine whose driver ends the read with a timeout error still knows how many the sink saw.
   */
  public static int[] drain(ResultSet rs, int keyColumns, boolean[] binary, long deadline, Set<String> seen,
      ValueSampler.Sink sink, int[] passed) throws SQLException {
    while (rs.next()) {
      if (System.nanoTime() > deadline) {
        return new int[] {passed[0], 1};
      }
      if (seen != null && keyColumns > 0) {
        StringBuilder k = new StringBuilder();
        for (int i = 1; i <= keyColumns; i++) {
          k.append(rs.getString(i)).append('\u0000');
        }
        if (!seen.add(k.toString())) {
          continue;
        }
      }
      for (int i = 0; i < binary.length; i++) {
        String v;
        if (binary[i]) {
          byte[] b = rs.getBytes(keyColumns + 1 + i);
          v = b == null ? null : new String(b, StandardCharsets.UTF_8);
        } else {
          v = rs.getString(keyColumns + 1 + i);
        }
        if (v != null) {
          sink.value(i, v);
        }
      }
      passed[0]++;
    }
    return new int[] {passed[0], 0};
  }
}
