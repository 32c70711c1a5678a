package dev.rds2bq.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.SlimExportResult;
import dev.rds2bq.config.PipelineConfig.RunConfig;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.contract.StoredPlans;
import dev.rds2bq.testing.LocalStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in events/ExportTable/ through the handler, against Sakila: the slim output, and the
 * full result it names in S3.
 */
class ExportTableHandlerTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ExportTableHandler handler;
  private static String bucket;
  private static ExportResultStore results;

  @BeforeAll
  static void load() throws Exception {
    stack.sakila();
    bucket = stack.bucket("handler");
    handler = new ExportTableHandler(stack.exporter(LocalStack.config(bucket, ""), "sakila", LocalStack.demoPolicy()),
        new StoredPlans(stack.store(bucket), new dev.rds2bq.contract.BucketLayout("exports")));
    results = new ExportResultStore(stack.store(bucket), "exports");
  }

  static Stream<Path> samples() {
    List<Path> files = LocalStack.samples("ExportTable");
    assertFalse(files.isEmpty());
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleExportsExactlyTheRowsOfItsRange(Path sample) throws Exception {
    byte[] input = Files.readAllBytes(sample);
    ExportRequest request = JSON.readValue(input, ExportRequest.class);
    assertEquals(JSON.readTree(input), JSON.readTree(JSON.writeValueAsBytes(request)), "the input round-trips");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(input), out, null);
    SlimExportResult slim = JSON.readValue(out.toByteArray(), SlimExportResult.class);
    assertEquals("_exports/" + request.partLabel() + ".json", slim.resultKey());
    assertEquals(request.range() == null ? null : new KeyRange(request.range().id(), null, null, null), slim.range(),
        "the slim form keeps the range's id only");
    String fullKey = "exports/sakila/" + request.table() + "/dt=" + request.runDate() + "/run=" + request.runId()
        + "/attempt=" + request.attempt() + "/_exports/" + request.partLabel() + ".json";
    ExportResult result = JSON.readValue(stack.store(bucket).get(fullKey), ExportResult.class);
    assertEquals(result, results.load(slim));
    assertEquals(request.range(), result.range(), "the full result echoes the range");
    assertEquals(result.rowsWritten(), slim.rowsWritten());
    assertEquals(result.files().size(), slim.fileCount());
    assertEquals(result.bytes(), slim.bytes());
    assertEquals(result.durationMs(), slim.durationMs());

    assertEquals(request.table(), result.table());
    if (request.window() != null) {
      assertEquals(request.window().after(), result.window().after());
      assertTrue(result.window().upTo() != null, "the mark read in the snapshot: " + result.window());
    }
    assertEquals(expectedRows(request), result.rowsWritten());
    assertEquals(result.rowsWritten(), result.files().stream().mapToLong(ExportResult.FileEntry::rows).sum());
    for (ExportResult.FileEntry f : result.files()) {
      assertTrue(f.key().startsWith("exports/sakila/" + request.table() + "/dt=" + request.runDate() + "/run="
          + request.runId() + "/attempt=" + request.attempt() + "/part-" + request.partLabel() + "-"), f.key());
      assertEquals(f.bytes(), Files.size(stack.file(bucket, f.key())));
    }
  }

  @Test
  void malformedInputIsAnInvalidInputError() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> handler.handleRequest(
        new ByteArrayInputStream("{\"runId\":\"r\",\"attempt\":\"1\",\"tabel\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream(), null));
    assertTrue(e.getMessage().contains("tabel"), e.getMessage());
  }

  @Test
  void aRangeOfAPlanKeptInS3IsReadFromThePlan() throws Exception {
    String key = "exports/_plans/dt=2026-11-26/run=big/plan-p1.json";
    RunPlan plan = new RunPlan("big", "2026-11-26", false, false, 2, 3, null, RunConfig.defaults(), List.of(
        new RunPlan.TablePlan("sakila", "rental", "1", 16044, "2 ranges", 2,
            List.of(new KeyRange(0, null, null, "8000"), new KeyRange(1, null, "8000", null)), null),
        new RunPlan.TablePlan("sakila", "category", "1", 16, "small: one range", 1, List.of(), null)));
    stack.store(bucket).put(key, JSON.writeValueAsBytes(plan), "application/json");

    ExportResult second = invoke("{\"runId\":\"big\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\",\"database\":\"sakila\","
        + "\"table\":\"rental\",\"planKey\":\"" + key + "\",\"rangeId\":1}");
    assertEquals(new KeyRange(1, null, "8000", null), second.range());
    assertEquals(expectedRows(new ExportRequest("big", "1", "2026-11-26", "sakila", "rental",
        new KeyRange(1, "rental_id", "8000", null))), second.rowsWritten());
    ExportResult whole = invoke("{\"runId\":\"big\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\",\"database\":\"sakila\","
        + "\"table\":\"category\",\"planKey\":\"" + key + "\",\"rangeId\":0}");
    assertNull(whole.range(), "id 0 of a table planned in one piece is the whole table");
    assertEquals(16, whole.rowsWritten());

    for (String bad : List.of("\"runId\":\"other\",\"attempt\":\"1\",\"rangeId\":1", "\"runId\":\"big\",\"attempt\":\"1\",\"rangeId\":7",
        "\"runId\":\"big\"")) {
      String input = "{" + bad + ",\"runDate\":\"2026-11-26\",\"database\":\"sakila\",\"table\":\"rental\","
          + "\"planKey\":\"" + key + "\"}";
      assertThrows(InvalidInputException.class, () -> invoke(input), input);
    }
    assertTrue(assertThrows(InvalidInputException.class, () -> invoke("{\"runId\":\"big\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\","
        + "\"database\":\"sakila\",\"table\":\"rental\",\"planKey\":\"nothing/here.json\",\"rangeId\":0}"))
        .getMessage().contains("planKey 'nothing/here.json' is not a plan of run big (2026-11-26)"));
    String missing = key.replace("plan-p1", "plan-p2");
    assertTrue(assertThrows(InvalidInputException.class, () -> invoke("{\"runId\":\"big\",\"runDate\":\"2026-11-26\","
        + "\"database\":\"sakila\",\"table\":\"rental\",\"planKey\":\"" + missing + "\",\"rangeId\":0}"))
        .getMessage().contains("no plan at planKey '" + missing + "'"));
  }

  @Test
  void aRetriedExportOverwritesItsResultAndTheOldSlimFormNoLongerMatches() throws Exception {
    stack.database("retried", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO t SELECT seq, 'x' FROM seq_1_to_50");
    String retriedBucket = stack.bucket("handler-retried");
    ExportTableHandler retrying = new ExportTableHandler(stack.exporter(LocalStack.config(retriedBucket, ""),
        "retried", "databases: {retried: {tables: {t: {columns: {}}}}}"), null);
    String request = "{\"runId\":\"r\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\",\"database\":\"retried\",\"table\":\"t\","
        + "\"range\":{\"id\":2,\"column\":\"id\",\"lo\":\"11\"}}";
    SlimExportResult first = slim(retrying, request);
    assertEquals(40, first.rowsWritten());
    try (Connection c = stack.mysql.connect("retried"); var s = c.createStatement()) {
      s.execute("DELETE FROM t WHERE id > 45");
    }
    // A retry that would write the same takes the result over (ResumeTest); one under another policy
    // exports the range again and replaces the result.
    ExportTableHandler rehashing = new ExportTableHandler(stack.exporter(LocalStack.config(retriedBucket, ""),
        "retried", "databases: {retried: {tables: {t: {columns: {v: hash}}}}}"), null);
    SlimExportResult second = slim(rehashing, request);
    assertEquals(35, second.rowsWritten());
    ExportResultStore store = new ExportResultStore(stack.store(retriedBucket), "exports");
    String key = "exports/retried/t/dt=2026-11-26/run=r/attempt=1/_exports/00002.json";
    assertEquals(List.of(key), stack.store(retriedBucket).list("exports/retried/t/dt=2026-11-26/run=r/attempt=1/_exports/")
        .stream().map(o -> o.key()).toList(), "one result object per range, whatever the attempts");
    assertEquals(35, store.load(second).rowsWritten());
    dev.rds2bq.error.IntegrityException stale = assertThrows(dev.rds2bq.error.IntegrityException.class,
        () -> store.load(first));
    assertTrue(stale.getMessage().contains("retried.t: range 00002") && stale.getMessage().contains("another attempt"),
        stale.getMessage());
  }

  @Test
  void withoutAResultStoreTheOutputIsTheFullResultAndNothingElseIsWritten() throws Exception {
    String legacyBucket = stack.bucket("handler-legacy");
    ExportTableHandler legacy = new ExportTableHandler(stack.exporter(LocalStack.config(legacyBucket, ""), "sakila",
        LocalStack.demoPolicy()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    legacy.handleRequest(new ByteArrayInputStream(("{\"runId\":\"r\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\","
        + "\"database\":\"sakila\",\"table\":\"category\"}").getBytes(StandardCharsets.UTF_8)), out, null);
    ExportResult full = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature
        .FAIL_ON_UNKNOWN_PROPERTIES).readValue(out.toByteArray(), ExportResult.class);
    assertEquals(16, full.rowsWritten());
    assertEquals(full.files().stream().map(ExportResult.FileEntry::key).toList(),
        stack.store(legacyBucket).list("").stream().map(o -> o.key()).toList());
  }

  private static SlimExportResult slim(ExportTableHandler h, String input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    h.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
    // Exactly the slim form's fields: an unknown one would fail here.
    return new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .readValue(out.toByteArray(), SlimExportResult.class);
  }

  private static ExportResult invoke(String input) throws Exception {
    return results.load(slim(handler, input));
  }

  private static long expectedRows(ExportRequest r) throws Exception {
    String sql = "SELECT COUNT(*) FROM `" + r.table() + "` WHERE TRUE";
    if (r.range() != null) {
      sql += " AND " + (r.range().lo() == null ? "TRUE" : "`" + r.range().column() + "` >= ?")
          + " AND " + (r.range().hi() == null ? "TRUE" : "`" + r.range().column() + "` < ?");
    }
    if (r.window() != null) {
      sql += " AND `" + r.window().column() + "` > ?";
    }
    try (Connection c = stack.mysql.connect(r.database()); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (r.range() != null && r.range().lo() != null) {
        ps.setLong(i++, Long.parseLong(r.range().lo()));
      }
      if (r.range() != null && r.range().hi() != null) {
        ps.setLong(i++, Long.parseLong(r.range().hi()));
      }
      if (r.window() != null) {
        ps.setString(i, r.window().after());
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
