package dev.rds2bq.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.parquet.RowSink;
import dev.rds2bq.rows.Row;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/data-contract.md#cursor-windows: an incremental read takes the rows after the last mark up
 * to the cursor's largest value read inside its own snapshot, the lower mark excluded and the upper
 * one included, on MariaDB and PostgreSQL alike; a cursor that could lose or leak rows is refused.
 */
class CursorWindowTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {windowdb: {tables: {}}, public: {tables: {}}}";
  private static final String T = "2026-11-01 00:00:0";

  private static ExportRequest request(String table, KeyRange range, CursorWindow window) {
    return new ExportRequest(null, "w1", "1", "2026-11-26", "windowdb", table, range, null, window);
  }

  private static String ids(String bucket, ExportResult r) throws Exception {
    if (r.rowsWritten() == 0) {
      return "";
    }
    List<Path> files = r.files().stream().map(f -> stack.file(bucket, f.key())).toList();
    return Parquet.query(files, "SELECT id FROM t ORDER BY id").stream().map(m -> m.get("id").toString())
        .collect(Collectors.joining(","));
  }

  private static void mysql(String... statements) throws SQLException {
    try (Connection c = stack.mysql.connect("windowdb"); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  @Test
  void aWindowReadsAfterItsLowerMarkUpToTheMarkOfItsOwnSnapshot() throws Exception {
    stack.database("windowdb", "CREATE TABLE events (id INT PRIMARY KEY, v VARCHAR(10),"
        + " updated_at DATETIME(6) NOT NULL, KEY by_update (updated_at))",
        "INSERT INTO events VALUES (1, 'a', '" + T + "1'), (2, 'b', '" + T + "2'), (3, 'c', '" + T + "3'),"
            + " (4, 'd', '" + T + "4'), (5, 'e', '" + T + "5')");
    String bucket = stack.bucket("window-mysql");
    PipelineConfig config = LocalStack.config(bucket, "databases: [windowdb]\n");

    ExportResult first = stack.exporter(config, "windowdb", POLICY).export(request("events", null,
        new CursorWindow("updated_at", null, null)));
    assertEquals("1,2,3,4,5", ids(bucket, first), "a first window reads every row");
    assertEquals(T + "5.000000", first.window().upTo(), "the mark, read in the snapshot, in full precision");

    // Row 2 changes and row 6 arrives at the same later instant; row 5 stays exactly on the mark.
    mysql("UPDATE events SET v = 'b2', updated_at = '" + T + "6' WHERE id = 2",
        "INSERT INTO events VALUES (6, 'f', '" + T + "6')");
    // While this export writes, a row arrives after its snapshot: its mark must not pass that row by.
    UnaryOperator<RowSink> lateCommit = writer -> new RowSink() {
      private boolean done;

      @Override
      public void write(Row row) throws IOException {
        if (!done) {
          done = true;
          try {
            mysql("INSERT INTO events VALUES (7, 'g', '" + T + "9')");
          } catch (SQLException e) {
            throw new IOException(e);
          }
        }
        writer.write(row);
      }

      @Override
      public long rows() {
        return writer.rows();
      }
    };
    ExportResult second = stack.exporter(config, "windowdb", POLICY).withRowSink(lateCommit).export(
        request("events", null, new CursorWindow("updated_at", first.window().upTo(), null)));
    assertEquals("2,6", ids(bucket, second), "after the mark (row 5 on it is not read again), up to the new one");
    assertEquals(T + "6.000000", second.window().upTo(), "row 7 came after the snapshot: above the mark");

    ExportResult third = stack.exporter(config, "windowdb", POLICY).export(
        request("events", null, new CursorWindow("updated_at", second.window().upTo(), null)));
    assertEquals("7", ids(bucket, third), "the next window reads it");

    // A lag re-reads what committed late below the mark; a key range narrows a window further.
    ExportResult lagged = stack.exporter(config, "windowdb", POLICY).export(
        request("events", new KeyRange(0, null, null, "6"), new CursorWindow("updated_at", T + "4", null)));
    assertEquals("2,5", ids(bucket, lagged));

    InvalidInputException back = assertThrows(InvalidInputException.class, () -> stack.exporter(config, "windowdb",
        POLICY).export(request("events", null, new CursorWindow("updated_at", "2030-01-01 00:00:00.000000", null))));
    assertTrue(back.getMessage().contains("below the window's lower mark 2030-01-01 00:00:00.000000: the source went"
        + " back"), back.getMessage());

    ExportResult empty = stack.exporter(config, "windowdb", POLICY).export(
        request("events", null, new CursorWindow("updated_at", third.window().upTo(), null)));
    assertEquals(0, empty.rowsWritten(), "nothing new: an empty change set");
  }

  @Test
  void aCursorThatCouldLoseOrLeakRowsIsRefused() throws Exception {
    stack.database("windowdb", "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(80) NOT NULL,"
        + " seen DATETIME NULL, note VARCHAR(20), changed BIGINT NOT NULL, ver BIGINT NOT NULL)",
        "INSERT INTO users VALUES (1, 'a@example.com', NULL, 'x', 1, 1)");
    PipelineConfig config = LocalStack.config(stack.bucket("window-refused"), "databases: [windowdb]\n");
    TableExporter exporter = stack.exporter(config, "windowdb",
        "databases: {windowdb: {tables: {users: {columns: {email: hash, ver: drop}}}}}");
    Map<String, String> refused = Map.of(
        "absent", "cursor column 'absent' of windowdb.users does not exist",
        "seen", "cursor column 'seen' of windowdb.users allows NULL: a row with NULL there would never fall inside"
            + " a window and would be lost",
        "note", "cursor column 'note' of windowdb.users is varchar(20); a cursor must be an integer, DATETIME or"
            + " TIMESTAMP column",
        "email", "cursor column 'email' of windowdb.users is varchar(80)",
        "ver", "cursor column 'ver' of windowdb.users is masked by the policy: its values mark the windows in"
            + " results and state, in clear");
    for (Map.Entry<String, String> e : refused.entrySet()) {
      InvalidInputException x = assertThrows(InvalidInputException.class, () -> exporter.export(
          request("users", null, new CursorWindow(e.getKey(), null, null))));
      assertTrue(x.getMessage().startsWith(e.getValue()), x.getMessage());
    }
    InvalidInputException badMark = assertThrows(InvalidInputException.class, () -> exporter.export(
        request("users", null, new CursorWindow("changed", "yesterday", null))));
    assertTrue(badMark.getMessage().startsWith("the window's mark 'yesterday' does not fit cursor column 'changed'"),
        badMark.getMessage());
    assertEquals(1, exporter.export(request("users", null, new CursorWindow("changed", "0", null))).rowsWritten());
  }

  @Test
  void postgresWindowsReadTheSameWay() throws Exception {
    stack.postgresDatabase("windowpg", "CREATE TABLE events (id int PRIMARY KEY, changed_at timestamptz NOT NULL)",
        "CREATE INDEX ON events (changed_at)",
        "INSERT INTO events SELECT g, timestamptz '2026-11-01 00:00:00+00' + g * interval '1 second'"
            + " FROM generate_series(1, 5) g");
    String bucket = stack.bucket("window-pg");
    PipelineConfig config = LocalStack.postgresConfig(bucket, "windowpg", "databases: [public]\n");
    TableExporter exporter = stack.postgresExporter(config, "windowpg", POLICY);
    ExportRequest all = new ExportRequest(null, "w1", "1", "2026-11-26", "public", "events", null, null,
        new CursorWindow("changed_at", null, null));
    ExportResult first = exporter.export(all);
    assertEquals(5, first.rowsWritten());
    assertEquals("2026-11-01 00:00:05+00", first.window().upTo());
    ExportResult after = exporter.export(new ExportRequest(null, "w1", "1", "2026-11-26", "public", "events", null,
        null, new CursorWindow("changed_at", "2026-11-01 00:00:03+00", null)));
    assertEquals("4,5", ids(bucket, after));
  }
}
