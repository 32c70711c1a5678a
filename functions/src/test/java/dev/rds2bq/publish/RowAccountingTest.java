package dev.rds2bq.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.SlimExportResult;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.rows.Row;
import dev.rds2bq.parquet.RowSink;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.testing.LocalStack;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows are counted where they are read and where they are encoded, and the publish step checks both
 * against the files' own footers: a writer that loses one row, one that claims a row it never wrote,
 * and a result that agrees with itself but not with its files each fail the table.
 */
class RowAccountingTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "databases: {rows: {tables: {items: {columns: {}}}}}";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T03:10:00Z"), ZoneOffset.UTC);
  private static final int ROWS = 3000;

  @BeforeAll
  static void load() throws Exception {
    stack.database("rows", "CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR(20))",
        "INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_" + ROWS);
  }

  /** Passes every row but the 1000th to the real writer, and counts honestly what it passed. */
  private static final UnaryOperator<RowSink> LOSES_ONE_ROW = writer -> new RowSink() {
    private long seen;

    @Override
    public void write(Row row) throws IOException {
      if (++seen != 1000) {
        writer.write(row);
      }
    }

    @Override
    public long rows() {
      return writer.rows();
    }
  };

  /** Writes every row, but reports one more than the writer took. */
  private static final UnaryOperator<RowSink> CLAIMS_ONE_MORE = writer -> new RowSink() {
    @Override
    public void write(Row row) throws IOException {
      writer.write(row);
    }

    @Override
    public long rows() {
      return writer.rows() + 1;
    }
  };

  private record Published(ObjectStore store, TablePublisher publisher, PublishRequest request) {}

  private Published export(String bucketName, UnaryOperator<RowSink> sinks) {
    String bucket = stack.bucket(bucketName);
    ObjectStore store = stack.store(bucket);
    TableExporter exporter = stack.exporter(LocalStack.config(bucket, ""), "rows", POLICY).withRowSink(sinks);
    ExportResult result = exporter.export(new ExportRequest("r1", "1", "2026-11-26", "rows", "items", null));
    SlimExportResult slim = exporter.results().save(result);
    return new Published(store, new TablePublisher(store, "exports", CLOCK),
        new PublishRequest("r1", "1", "2026-11-26", "rows", "items", 1, List.of(slim)));
  }

  @Test
  void anHonestExportPublishesItsRows() {
    Published p = export("rows-honest", UnaryOperator.identity());
    assertEquals(ROWS, p.publisher().publish(p.request()).rows());
  }

  @Test
  void aWriterThatLosesOneRowFailsTheTable() {
    Published p = export("rows-lost", LOSES_ONE_ROW);
    IntegrityException e = assertThrows(IntegrityException.class, () -> p.publisher().publish(p.request()));
    assertEquals("rows.items: range full read " + ROWS + " rows from the source, its writer encoded " + (ROWS - 1)
        + ", and its files' footers hold " + (ROWS - 1) + "; rows were lost on the way: export the range again",
        e.getMessage());
    assertNull(p.store().get("exports/rows/items/dt=2026-11-26/run=r1/attempt=1/_manifest.json"), "nothing published");
  }

  @Test
  void aWriterThatClaimsARowItNeverWroteFailsTheTable() {
    Published p = export("rows-claimed", CLAIMS_ONE_MORE);
    IntegrityException e = assertThrows(IntegrityException.class, () -> p.publisher().publish(p.request()));
    assertTrue(e.getMessage().contains("its writer encoded " + (ROWS + 1) + ", and its files' footers hold " + ROWS),
        e.getMessage());
  }

  @Test
  void aResultThatAgreesWithItselfButNotWithItsFilesFailsTheTable() throws Exception {
    Published p = export("rows-forged", UnaryOperator.identity());
    String key = "exports/rows/items/dt=2026-11-26/run=r1/attempt=1/_exports/full.json";
    ObjectNode result = (ObjectNode) JSON.readTree(p.store().get(key));
    result.put("rowsRead", ROWS + 1).put("rowsWritten", ROWS + 1);
    ((ObjectNode) result.get("files").get(0)).put("rows", ROWS + 1);
    p.store().put(key, JSON.writeValueAsBytes(result), "application/json");
    SlimExportResult slim = (SlimExportResult) p.request().exports().get(0);
    PublishRequest forged = new PublishRequest("r1", "1", "2026-11-26", "rows", "items", 1, List.of(new SlimExportResult(
        slim.runId(), "1", slim.runDate(), slim.database(), slim.table(), slim.range(), ROWS + 1, slim.fileCount(),
        slim.bytes(), slim.durationMs(), slim.resultKey())));
    IntegrityException e = assertThrows(IntegrityException.class, () -> p.publisher().publish(forged));
    assertTrue(e.getMessage().contains("has a footer of " + ROWS + " rows of run r1, range full; its export reported "
        + (ROWS + 1) + " rows"), e.getMessage());
  }
}
