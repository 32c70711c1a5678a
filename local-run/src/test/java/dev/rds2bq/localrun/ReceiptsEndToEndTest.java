package dev.rds2bq.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localrun.StateMachineRunner.Execution;
import dev.rds2bq.localrun.TestStack.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/data-contract.md#receipts end to end: a MySQL table with the types whose load can go wrong
 * without changing a count (TIMESTAMP across time zones, TINYINT(1), DECIMAL, DATETIME with
 * fractions, multi-byte text) goes through export, publish, the DTS stand-in and CheckLoads, whose
 * receipt query matches the export's figures; then the same table loaded with one value changed by
 * the load fails, naming the column and both figures.
 */
class ReceiptsEndToEndTest {
  private static final TestStack stack = TestStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "databases: {rcptdb: {tables: {items: {columns: {}}}}}";

  private static void sourceTable() throws Exception {
    // The session that fills the table runs at +09:00: TIMESTAMP values are stored in UTC and must
    // come back as the same instants, not shifted by the zone.
    stack.database("rcptdb",
        "CREATE TABLE items (id INT PRIMARY KEY, flag TINYINT(1), amount DECIMAL(12,2), created TIMESTAMP(6) NULL,"
            + " happened DATETIME(3), day DATE, label VARCHAR(40), ratio DOUBLE, code VARCHAR(8) NOT NULL, UNIQUE (code))",
        "SET time_zone = '+09:00'",
        "INSERT INTO items VALUES"
            + " (1, 1, 12.50, '2026-01-01 09:00:00.123456', '2026-01-01 23:59:59.999', '2026-01-01', '至急', 0.5, 'a1'),"
            + " (2, 0, -0.99, '2026-06-30 00:30:00', '1999-12-31 00:00:00', '1999-12-31', 'plain', -1.25, 'b2'),"
            + " (3, 2, 1234567890.05, NULL, NULL, NULL, NULL, NULL, 'c3'),"
            + " (4, NULL, 0.00, '1970-01-01 09:00:01', '2038-01-19 03:14:07.5', '2038-01-19', '', 1e10, 'd4')");
  }

  private static Execution run(String bucket, String runId, Recorder recorder) throws Exception {
    PipelineConfig config = stack.config(bucket, "databases: [rcptdb]\n");
    try (StateMachineRunner runner = new StateMachineRunner(StateMachineRunner.locate(),
        stack.functions(config, POLICY, UnaryOperator.identity()))) {
      return runner.run(bucket, JSON.readTree("{\"runId\": \"" + runId + "\", \"runDate\": \"2026-11-26\"}"),
          StateMachineRunner.Options.tests(), recorder);
    }
  }

  @Test
  void hazardousTypesLoadWithMatchingReceipts() throws Exception {
    sourceTable();
    Recorder recorder = new Recorder();
    Execution execution = run("receipts-match", "rcpt-1", recorder);
    assertTrue(execution.succeeded(), execution.toString());
    JsonNode load = recorder.output("CheckLoads").get("loads").get(0);
    assertEquals("SUCCEEDED", load.get("state").asText(), load.toString());
    assertTrue(load.get("receiptBytes").asLong() > 0, "the receipt query ran and reported its bytes: " + load);

    JsonNode receipts = manifest("receipts-match").get("receipts");
    assertNotNull(receipts, "the manifest carries the receipts");
    assertEquals("INT64", field(receipts, "flag").get("type").asText(), "TINYINT(1) stays an integer");
    assertEquals("3", field(receipts, "flag").get("sum").asText());
    assertEquals(1, field(receipts, "flag").get("nulls").asLong());
    assertEquals("1234567901.56", field(receipts, "amount").get("sum").asText());
    assertEquals("-0.99", field(receipts, "amount").get("min").asText());
    assertEquals("1000000", field(receipts, "created").get("min").asText(), "09:00:01 at +09:00 is 1 s after the epoch");
    assertEquals(String.valueOf(java.time.Instant.parse("2026-06-29T15:30:00Z").getEpochSecond() * 1_000_000),
        field(receipts, "created").get("max").asText(), "00:30 at +09:00 is 15:30 UTC the day before");
    assertEquals("2038-01-19T03:14:07.500000", field(receipts, "happened").get("max").asText());
    assertEquals(11, field(receipts, "label").get("bytes").asLong(), "'至急' is 6 bytes, 'plain' 5, '' 0");
    assertTrue(field(receipts, "id").has("keyChecksum"), "the primary key has its checksum");
    assertTrue(!field(receipts, "code").has("keyChecksum"), "a unique key that is not the primary key has none");
  }

  @Test
  void aValueChangedByTheLoadFailsTheTableNamingTheColumn() throws Exception {
    sourceTable();
    String bucket = "receipts-shift";
    String dataset = TestStack.dataset(bucket);
    // The load shifts one TIMESTAMP by nine hours, as a load that read it as local time would.
    stack.google.transfers().alterAfterLoad(dataset, "rcptdb__items", "UPDATE \"" + dataset + "\".rcptdb__items"
        + " SET created = created + INTERVAL 9 HOUR WHERE id = 2");
    Recorder recorder = new Recorder();
    run(bucket, "rcpt-2", recorder);
    JsonNode load = recorder.output("CheckLoads").get("loads").get(0);
    assertEquals("FAILED", load.get("state").asText(), load.toString());
    String error = load.get("errors").get(0).asText();
    assertTrue(error.contains("column created: max 2026-06-29T15:30:00Z in the snapshot, 2026-06-30T00:30:00Z in"
        + " BigQuery"), error);
    assertTrue(error.startsWith("ERROR: table rcptdb.items:"), error);
    assertEquals(4, load.get("destinationRows").asLong(), "the count alone would have passed");
  }

  private static JsonNode field(JsonNode receipts, String column) {
    for (JsonNode r : receipts) {
      if (r.get("column").asText().equals(column)) {
        return r;
      }
    }
    throw new AssertionError("no receipt for " + column + " in " + receipts);
  }

  private static JsonNode manifest(String bucket) throws Exception {
    try (Stream<Path> files = Files.walk(stack.root.resolve("s3").resolve(bucket))) {
      Path m = files.filter(p -> p.getFileName().toString().equals("_manifest.json")).findFirst().orElseThrow();
      return JSON.readTree(m.toFile());
    }
  }
}
