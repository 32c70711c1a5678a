package dev.rds2bq.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.contract.AnyExportResult;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.SlimExportResult;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.contract.StoredPlans;
import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.PublishResult;
import dev.rds2bq.publish.TablePublisher;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.testing.LocalStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in events/PublishTable/: the exports it names are run for real through the
 * ExportTable handler (their sizes and fingerprints depend on the build), then the sample, with
 * those results, goes through the PublishTable handler. Entries in the slim form (resultKey) are
 * read back from S3Proxy; full entries, the form before, are still accepted.
 */
class PublishTableHandlerTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TableExporter exporter;
  private static ExportTableHandler slimExports;
  private static ExportTableHandler fullExports;
  private static PublishTableHandler publish;
  private static ObjectStore store;
  private static String bucket;

  @BeforeAll
  static void load() throws Exception {
    stack.sakila();
    bucket = stack.bucket("publish-handler");
    store = stack.store(bucket);
    exporter = stack.exporter(LocalStack.config(bucket, ""), "sakila", LocalStack.demoPolicy());
    slimExports = new ExportTableHandler(exporter, new StoredPlans(store, new dev.rds2bq.contract.BucketLayout("exports")));
    fullExports = new ExportTableHandler(exporter);
    publish = new PublishTableHandler(new TablePublisher(store, "exports", Clock.systemUTC()));
  }

  static Stream<Path> samples() {
    List<Path> files = LocalStack.samples("PublishTable");
    assertFalse(files.isEmpty());
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleIsPublishedWithTheRealExportsItNames(Path sample) throws Exception {
    PublishRequest named = JSON.readValue(Files.readAllBytes(sample), PublishRequest.class);
    List<AnyExportResult> real = new ArrayList<>();
    for (AnyExportResult e : named.exports()) {
      byte[] request = JSON.writeValueAsBytes(new ExportRequest(e.runId(), "1", e.runDate(), e.database(), e.table(),
          e.range()));
      if (e instanceof SlimExportResult s) {
        assertNull(s.range(), "a slim sample is of a whole table: the slim form has no range bounds to export again");
        SlimExportResult out = JSON.readValue(invoke(slimExports, request), SlimExportResult.class);
        assertEquals(s.resultKey(), out.resultKey(), "the sample's resultKey follows the S3 layout");
        real.add(out);
      } else {
        ExportResult out = JSON.readValue(invoke(fullExports, request), ExportResult.class);
        assertEquals(((ExportResult) e).files().get(0).key(), out.files().get(0).key(),
            "the sample's keys follow the S3 layout");
        real.add(out);
      }
    }
    byte[] input = JSON.writeValueAsBytes(new PublishRequest(named.runId(), "1", named.runDate(), named.database(),
        named.table(), named.expectedRanges(), real));
    PublishResult result = JSON.readValue(invoke(publish, input), PublishResult.class);
    assertEquals(real.stream().mapToLong(AnyExportResult::rowsWritten).sum(), result.rows());
    assertNotNull(store.get(result.manifestKey()));
    for (AnyExportResult e : real) {
      if (e instanceof SlimExportResult s) {
        assertNotNull(store.get(runFolder(named) + s.resultKey()), "the result a publish read is kept");
      }
    }
  }

  /**
   * The JSON the state machine passes: ExportTable outputs, unchanged, in PublishTable's exports.
   * Slim and full entries may be mixed; the manifest is the same whichever form each range came in.
   */
  @Test
  void bothFormsThroughTheHandlersAsTheStateMachinePassesThem() throws Exception {
    String run = "{\"runId\":\"forms\",\"attempt\":\"1\",\"runDate\":\"2026-11-26\",\"database\":\"sakila\",\"table\":\"rental\"";
    String folder = "exports/sakila/rental/dt=2026-11-26/run=forms/attempt=1/";
    JsonNode range0 = export(slimExports, run + ",\"range\":{\"id\":0,\"hi\":\"8000\"}}");
    JsonNode range1 = export(slimExports, run + ",\"range\":{\"id\":1,\"lo\":\"8000\"}}");
    assertEquals("_exports/00000.json", range0.get("resultKey").asText());
    assertEquals(List.of("runId", "attempt", "runDate", "database", "table", "range", "rowsWritten", "fileCount", "bytes",
        "durationMs", "resultKey"), fieldNames(range0), "the slim form, and nothing more");
    assertTrue(range1.toString().length() < 220, range1.toString());

    // All slim.
    JsonNode slim = publish(run, range0, range1);
    assertEquals(16044, slim.get("rows").asLong());
    assertEquals(0, slim.get("strayFilesDeleted").asInt());
    JsonNode manifest = JSON.readTree(store.get(folder + "_manifest.json"));
    assertEquals(2, manifest.get("files").size());
    assertNotNull(store.get(folder + "_exports/00000.json"));
    assertNotNull(store.get(folder + "_exports/00001.json"));
    assertNotNull(store.get(folder + "_SUCCESS"));

    // Published again (a retried PublishTable) with the same input: the results it kept are read again.
    assertEquals(16044, publish(run, range0, range1).get("rows").asLong());

    // Mixed, in a second attempt (a published attempt is never written again): range 1 given in full,
    // as before slim results. Its result object is then not read, so it is a stray like any object no
    // export reported.
    String run2 = run.replace("\"attempt\":\"1\"", "\"attempt\":\"2\"");
    String folder2 = folder.replace("attempt=1/", "attempt=2/");
    range0 = export(slimExports, run2 + ",\"range\":{\"id\":0,\"hi\":\"8000\"}}");
    range1 = export(slimExports, run2 + ",\"range\":{\"id\":1,\"lo\":\"8000\"}}");
    JsonNode full1 = export(fullExports, run2 + ",\"range\":{\"id\":1,\"lo\":\"8000\"}}");
    assertTrue(full1.has("columns") && full1.has("files"));
    JsonNode mixed = publish(run2, range0, full1);
    assertEquals(16044, mixed.get("rows").asLong());
    assertEquals(1, mixed.get("strayFilesDeleted").asInt(), "_exports/00001.json, which no entry names");
    assertNull(store.get(folder2 + "_exports/00001.json"));
    assertNotNull(store.get(folder + "_exports/00001.json"), "attempt 1 is as it was published");
    JsonNode mixedManifest = JSON.readTree(store.get(folder2 + "_manifest.json"));
    for (String field : List.of("rows", "columns", "bigQuerySchema", "schemaFingerprint", "policyFingerprint")) {
      assertEquals(manifest.get(field), mixedManifest.get(field), field);
    }
    for (int i = 0; i < 2; i++) {
      assertEquals(manifest.get("files").get(i).get("key").asText().replace("attempt=1/", "attempt=2/"),
          mixedManifest.get("files").get(i).get("key").asText());
      assertEquals(manifest.get("files").get(i).get("rows"), mixedManifest.get("files").get(i).get("rows"));
    }

    // Range 1's result is gone, so its slim entry no longer publishes: the error names the range.
    JsonNode slim0 = range0;
    JsonNode slim1 = range1;
    IntegrityException missing = assertThrows(IntegrityException.class, () -> publish(run2, slim0, slim1));
    assertTrue(missing.getMessage().contains("sakila.rental: range 00001") && missing.getMessage()
        .contains(folder2 + "_exports/00001.json is not in the bucket"), missing.getMessage());

    // A slim entry naming the result of another range.
    ObjectNode pointsElsewhere = ((ObjectNode) range1.deepCopy()).put("resultKey", "_exports/00000.json");
    IntegrityException other = assertThrows(IntegrityException.class, () -> publish(run2, slim0, pointsElsewhere));
    assertTrue(other.getMessage().contains("range 00001") && other.getMessage().contains("range 00000 of run forms"),
        other.getMessage());

    // Malformed slim entries are the caller's fault.
    ObjectNode outside = ((ObjectNode) range1.deepCopy()).put("resultKey", "../run=x/_exports/00001.json");
    assertThrows(InvalidInputException.class, () -> publish(run2, slim0, outside));
    ObjectNode extra = ((ObjectNode) range0.deepCopy());
    extra.putArray("files");
    InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> publish(run2, extra, full1));
    assertTrue(unknown.getMessage().contains("files"), unknown.getMessage());
    assertNotNull(store.get(folder2 + "_SUCCESS"), "a failed publish changes nothing");
  }

  private static JsonNode export(ExportTableHandler h, String request) throws Exception {
    return JSON.readTree(invoke(h, request.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode publish(String run, JsonNode... exports) throws Exception {
    ObjectNode input = (ObjectNode) JSON.readTree(run + ",\"expectedRanges\":" + exports.length + "}");
    ArrayNode list = input.putArray("exports");
    for (JsonNode e : exports) {
      list.add(e);
    }
    return JSON.readTree(invoke(publish, JSON.writeValueAsBytes(input)));
  }

  private static byte[] invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler h, byte[] input)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    h.handleRequest(new ByteArrayInputStream(input), out, null);
    return out.toByteArray();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String runFolder(PublishRequest r) {
    return new BucketLayout("exports").runFolder(r);
  }
}
