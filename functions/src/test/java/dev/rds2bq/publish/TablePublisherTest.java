package dev.rds2bq.publish;

import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.PublishResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.SlimExportResult;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing a table of three ranges: all or nothing, strays removed, the pointer moved forward. */
class TablePublisherTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "databases: {pub: {tables: {members: {columns: {email: hash, name: drop}}}}}";
  private static final String RUN_PREFIX = "exports/pub/members/dt=2026-11-26/run=r1/attempt=1/";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T03:10:00Z"), ZoneOffset.UTC);

  private String bucket;
  private ObjectStore store;
  private TableExporter exporter;
  private TablePublisher publisher;

  @BeforeAll
  static void load() throws Exception {
    stack.database("pub",
        "CREATE TABLE members (id INT PRIMARY KEY COMMENT 'member id', name VARCHAR(40), email VARCHAR(80)"
            + " COMMENT 'login e-mail', points INT) COMMENT 'club members'",
        "INSERT INTO members SELECT seq, CONCAT('n', seq), CONCAT('m', seq, '@example.com'), seq % 7"
            + " FROM seq_1_to_3000");
  }

  @BeforeEach
  void fresh() {
    bucket = stack.bucket("publish");
    store = stack.store(bucket);
    exporter = stack.exporter(LocalStack.config(bucket, ""), "pub", POLICY);
    publisher = new TablePublisher(store, "exports", CLOCK);
  }

  private List<ExportResult> exportThreeRanges(String runId, String runDate) {
    List<ExportResult> results = new ArrayList<>();
    String[][] bounds = {{null, "1000"}, {"1000", "2000"}, {"2000", null}};
    for (int i = 0; i < bounds.length; i++) {
      results.add(exporter.export(new ExportRequest(runId, "1", runDate, "pub", "members",
          new KeyRange(i, "id", bounds[i][0], bounds[i][1]))));
    }
    return results;
  }

  @Test
  void publishesAManifestThenSuccessThenTheLatestPointer() throws Exception {
    PublishResult r = publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3,
        exportThreeRanges("r1", "2026-11-26")));
    assertEquals(3000, r.rows());
    assertEquals(3, r.files());
    assertEquals(RUN_PREFIX + "_manifest.json", r.manifestKey());
    assertTrue(store.get(RUN_PREFIX + "_SUCCESS") != null);

    JsonNode m = JSON.readTree(store.get(r.manifestKey()));
    assertEquals(3000, m.get("rows").asLong());
    assertEquals("club members", m.get("tableComment").asText());
    assertEquals("2026-11-26T03:10:00Z", m.get("publishedAt").asText());
    List<Path> files = new ArrayList<>();
    m.get("files").forEach(f -> files.add(stack.file(bucket, f.get("key").asText())));
    assertEquals(3000L, ((Number) Parquet.query(files, "SELECT count(DISTINCT id) AS n FROM t").get(0).get("n"))
        .longValue(), "the manifest's files hold every row once");
    JsonNode email = m.get("bigQuerySchema").get(1);
    assertEquals("email", email.get("name").asText());
    assertEquals("STRING", email.get("type").asText());
    assertEquals("login e-mail (masked: HMAC-SHA256 of the value, hex); MySQL column email (varchar(80))",
        email.get("description").asText());
    assertEquals("drop", m.get("columns").get(1).get("policy").asText());
    assertFalse(m.get("columns").get(1).has("output"));

    JsonNode latest = JSON.readTree(store.get("exports/pub/members/_latest.json"));
    assertEquals(r.manifestKey(), latest.get("manifest").asText());
  }

  @Test
  void filesOfAFailedAttemptAreDeletedAndNotPublished() {
    List<ExportResult> results = exportThreeRanges("r1", "2026-11-26");
    // A first attempt of range 1 that died after its first file, and a part of an attempt never reported.
    store.put(RUN_PREFIX + "part-00001-00001.parquet", new byte[] {1, 2, 3}, "application/octet-stream");
    store.put(RUN_PREFIX + "part-00009-00000.parquet", new byte[] {4}, "application/octet-stream");
    PublishResult r = publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results));
    assertEquals(2, r.strayFilesDeleted());
    assertNull(store.get(RUN_PREFIX + "part-00001-00001.parquet"));
    assertEquals(5, store.list(RUN_PREFIX).size(), "three data files, the manifest and _SUCCESS");
  }

  /** The slim form ExportTable returns: each full result is read from S3 and checked as a full entry is. */
  private List<SlimExportResult> slim(List<ExportResult> results) {
    return results.stream().map(r -> exporter.results().save(r)).toList();
  }

  @Test
  void slimResultsAreReadFromS3AndKeptWhileStrayResultsGo() throws Exception {
    List<ExportResult> full = exportThreeRanges("r1", "2026-11-26");
    List<SlimExportResult> results = slim(full);
    // A result of a range this publish does not have (the run id re-run with other ranges), and a stray part.
    store.put(RUN_PREFIX + "_exports/00009.json", "{}".getBytes(), "application/json");
    store.put(RUN_PREFIX + "part-00009-00000.parquet", new byte[] {4}, "application/octet-stream");
    PublishResult r = publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results));
    assertEquals(3000, r.rows());
    assertEquals(2, r.strayFilesDeleted());
    assertNull(store.get(RUN_PREFIX + "_exports/00009.json"));
    assertEquals(List.of("_SUCCESS", "_exports/00000.json", "_exports/00001.json", "_exports/00002.json",
        "_manifest.json"), store.list(RUN_PREFIX).stream().map(o -> o.key().substring(RUN_PREFIX.length()))
        .filter(k -> !k.startsWith("part-")).toList(),
        "the results the publish read stay, for a retried publish");
    JsonNode m = JSON.readTree(store.get(r.manifestKey()));
    assertEquals(3, m.get("files").size());
    assertEquals("club members", m.get("tableComment").asText(), "taken from the full result in S3");

    // The same manifest as from the full entries.
    publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, full));
    JsonNode fromFull = JSON.readTree(store.get(r.manifestKey()));
    for (String field : List.of("files", "columns", "bigQuerySchema", "schemaFingerprint", "policyFingerprint",
        "hashKeyId", "rows", "bytes")) {
      assertEquals(m.get(field), fromFull.get(field), field);
    }
  }

  @Test
  void aSlimResultThatIsMissingOrNotThisRangesPublishesNothing() throws Exception {
    List<SlimExportResult> results = slim(exportThreeRanges("r1", "2026-11-26"));
    byte[] range1 = store.get(RUN_PREFIX + "_exports/00001.json");
    store.delete(RUN_PREFIX + "_exports/00001.json");
    IntegrityException missing = assertThrows(IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)));
    assertTrue(missing.getMessage().startsWith("pub.members: range 00001: its export result " + RUN_PREFIX
        + "_exports/00001.json is not in the bucket"), missing.getMessage());

    // Another range's result in its place.
    store.put(RUN_PREFIX + "_exports/00001.json", store.get(RUN_PREFIX + "_exports/00002.json"), "application/json");
    assertTrue(assertThrows(IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)))
        .getMessage().contains("range 00001: " + RUN_PREFIX + "_exports/00001.json holds the result of pub.members"
            + " range 00002 of run r1/2026-11-26"));

    // Another run's result of the same range (a copied or restored object).
    ExportResult other = exporter.export(new ExportRequest("r0", "1", "2026-11-20", "pub", "members",
        new KeyRange(1, "id", "1000", "2000")));
    exporter.results().save(other);
    store.put(RUN_PREFIX + "_exports/00001.json",
        store.get("exports/pub/members/dt=2026-11-20/run=r0/attempt=1/_exports/00001.json"), "application/json");
    assertTrue(assertThrows(IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)))
        .getMessage().contains("of run r0/2026-11-20, not of this range of run r1/2026-11-26"));

    // This range's result, but written with another schema: the checks of full entries apply.
    ExportResult e1 = JSON.readValue(range1, ExportResult.class);
    store.put(RUN_PREFIX + "_exports/00001.json", JSON.writeValueAsBytes(new ExportResult(e1.runId(), "1", e1.runDate(),
        e1.database(), e1.table(), e1.tableComment(), e1.range(), e1.rowsRead(), e1.rowsWritten(), e1.files(),
        e1.columns(), "another-schema", e1.policyFingerprint(), e1.hashKeyId(), e1.zeroDates(), e1.durationMs())),
        "application/json");
    assertTrue(assertThrows(IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)))
        .getMessage().contains("range 00001 was written with another schema or masking policy"));

    // This range's result, hashed with another key (a rotation during the run): refused.
    store.put(RUN_PREFIX + "_exports/00001.json", JSON.writeValueAsBytes(new ExportResult(e1.runId(), e1.attempt(), e1.runDate(),
        e1.database(), e1.table(), e1.tableComment(), e1.range(), e1.rowsRead(), e1.rowsWritten(), e1.files(),
        e1.columns(), e1.schemaFingerprint(), e1.policyFingerprint(), "0123456789ab", e1.zeroDates(),
        e1.durationMs())), "application/json");
    assertTrue(assertThrows(IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)))
        .getMessage().contains("range 00001 was hashed with key 0123456789ab but range 00000 with key"));

    // Nothing was written by any of them; with its own result back, the same input publishes.
    assertNull(store.get(RUN_PREFIX + "_manifest.json"));
    assertNull(store.get(RUN_PREFIX + "_SUCCESS"));
    store.put(RUN_PREFIX + "_exports/00001.json", range1, "application/json");
    assertEquals(3000, publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)).rows());
  }

  @Test
  void aMissingFileOrAWrongCountPublishesNothing() {
    List<ExportResult> results = exportThreeRanges("r1", "2026-11-26");
    store.delete(results.get(1).files().get(0).key());
    IntegrityException e = assertThrows(IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)));
    assertTrue(e.getMessage().contains("pub.members") && e.getMessage().contains("range 00001"), e.getMessage());
    assertNull(store.get(RUN_PREFIX + "_manifest.json"));
    assertNull(store.get(RUN_PREFIX + "_SUCCESS"));
    assertNull(store.get("exports/pub/members/_latest.json"));

    List<ExportResult> fresh = exportThreeRanges("r1", "2026-11-26");
    ExportResult e0 = fresh.get(0);
    fresh.set(0, new ExportResult(e0.runId(), "1", e0.runDate(), e0.database(), e0.table(), e0.tableComment(), e0.range(),
        e0.rowsRead() + 1, e0.rowsWritten() + 1, e0.files(), e0.columns(), e0.schemaFingerprint(),
        e0.policyFingerprint(), e0.hashKeyId(), e0.zeroDates(), e0.durationMs()));
    assertTrue(assertThrows(IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, fresh)))
        .getMessage().contains("its files' footers hold"));
  }

  @Test
  void aTableWithAMissingRangeOrAChangedSchemaIsNotPublished() {
    List<ExportResult> results = exportThreeRanges("r1", "2026-11-26");
    assertTrue(assertThrows(IntegrityException.class, () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26",
        "pub", "members", 3, results.subList(0, 2)))).getMessage().contains("the plan made 3 ranges"));
    ExportResult e2 = results.get(2);
    List<ExportResult> changed = new ArrayList<>(results.subList(0, 2));
    changed.add(new ExportResult(e2.runId(), "1", e2.runDate(), e2.database(), e2.table(), e2.tableComment(), e2.range(),
        e2.rowsRead(), e2.rowsWritten(), e2.files(), e2.columns(), "another-schema", e2.policyFingerprint(),
        e2.hashKeyId(), e2.zeroDates(), e2.durationMs()));
    assertTrue(assertThrows(IntegrityException.class, () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26",
        "pub", "members", 3, changed))).getMessage().contains("another schema or masking policy"));
    assertNull(store.get(RUN_PREFIX + "_SUCCESS"));
  }

  @Test
  void theSourceCountCheckCatchesRowsTheExportsDidNotSee() throws Exception {
    dev.rds2bq.config.PipelineConfig config = LocalStack.config(bucket, "publish: {verifySourceCount: true}\n");
    assertTrue(config.publish().verifySourceCount());
    TablePublisher checking = new TablePublisher(store, "exports", CLOCK, new dev.rds2bq.source.mysql.MySqlSource(
        dev.rds2bq.config.DatabaseSecret.parse("s", stack.mysql.secretJson("pub")), config.source()));
    List<ExportResult> results = exportThreeRanges("r1", "2026-11-26");
    assertEquals(3000, checking.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)).rows());
    try (java.sql.Connection c = stack.mysql.connect("pub"); java.sql.Statement s = c.createStatement()) {
      s.execute("DELETE FROM members WHERE id = 1500");
      try {
        IntegrityException e = assertThrows(IntegrityException.class, () -> checking.publish(
            new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, results)));
        assertTrue(e.getMessage().contains("range 00001 has 999 rows in the source"), e.getMessage());
      } finally {
        s.execute("INSERT INTO members VALUES (1500, 'n1500', 'm1500@example.com', 1500 % 7)");
      }
    }
  }

  @Test
  void aRetriedPublishAddsNothingAndAnOlderDateDoesNotMoveLatest() throws Exception {
    List<ExportResult> exports = exportThreeRanges("r1", "2026-11-26");
    publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, exports));
    // Exporting into the published attempt again is refused (PublishedSnapshotsTest); a retried publish is not.
    PublishResult again = publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "pub", "members", 3, exports));
    assertEquals(3000, JSON.readTree(store.get(again.manifestKey())).get("rows").asLong(), "the same, not appended");
    assertEquals(5, store.list(RUN_PREFIX).size());

    PublishResult older = publisher.publish(
        new PublishRequest("r0", "1", "2026-11-20", "pub", "members", 3, exportThreeRanges("r0", "2026-11-20")));
    JsonNode latest = JSON.readTree(store.get("exports/pub/members/_latest.json"));
    assertEquals("2026-11-26", latest.get("runDate").asText(), "a re-run of an older date keeps the newest pointer");
    assertTrue(store.get(older.manifestKey()) != null);
  }
}
