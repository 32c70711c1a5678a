package dev.rds2bq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EMF lines the dashboard and the alarm read: names, units, dimensions, one line per event. */
class EmfTableMetricsTest {
  /**
   * The EMF lines {@code body} printed. System.out is the JVM's, so only lines of this test's own
   * namespace count: whatever another thread prints meanwhile is left out.
   */
  private static List<JsonNode> capture(String namespace, Runnable body) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(original);
    }
    ObjectMapper json = new ObjectMapper();
    return buffer.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{"))
        .filter(l -> l.contains("\"Namespace\":\"" + namespace + "\"")).map(l -> {
      try {
        return json.readTree(l);
      } catch (Exception e) {
        throw new IllegalStateException(l, e);
      }
    }).toList();
  }

  @Test
  void exportAndRunTotalsAreEmfLines() throws Exception {
    assertTrue(EmfTableMetrics.fromEnvironment(Map.of()) == TableMetrics.NONE, "outside Lambda: no EMF");
    String namespace = "rds2bq-test-" + java.util.UUID.randomUUID();
    TableMetrics metrics = EmfTableMetrics.fromEnvironment(Map.of(TableMetrics.NAMESPACE_VARIABLE, namespace,
        "AWS_LAMBDA_FUNCTION_NAME", "rds2bq-test-ExportTable"));
    List<JsonNode> lines = capture(namespace, () -> {
      metrics.exported("sakila", "rental", 16044, 437_000, 1.5);
      metrics.runFinished(List.of("sakila.payment"));
    });
    assertEquals(3, lines.size(), lines.toString());
    JsonNode export = lines.get(0);
    JsonNode directive = export.get("_aws").get("CloudWatchMetrics").get(0);
    assertEquals(namespace, directive.get("Namespace").asText());
    assertEquals(List.of("Database", "Table"), new ObjectMapper().convertValue(directive.get("Dimensions").get(0), List.class));
    assertEquals("sakila", export.get("Database").asText());
    assertEquals(16044, export.get("ExportedRows").asLong());
    assertEquals(437_000, export.get("ExportedBytes").asLong());
    assertTrue(directive.get("Metrics").toString().contains("\"Unit\":\"Bytes\""), directive.toString());

    assertEquals("payment", lines.get(1).get("Table").asText());
    assertEquals(1, lines.get(1).get("FailedTables").asInt());
    JsonNode total = lines.get(2);
    assertEquals(1, total.get("FailedTables").asInt());
    JsonNode totalDims = total.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions");
    assertTrue(totalDims.isEmpty() || totalDims.get(0).isEmpty(), "the run total has no dimension: " + total);
  }

  @Test
  void theDtsKeysAgeIsOneLineWithoutDimensions() throws Exception {
    String namespace = "rds2bq-test-" + java.util.UUID.randomUUID();
    TableMetrics metrics = EmfTableMetrics.fromEnvironment(Map.of(TableMetrics.NAMESPACE_VARIABLE, namespace,
        "AWS_LAMBDA_FUNCTION_NAME", "rds2bq-test-StartLoads"));
    List<JsonNode> lines = capture(namespace, () -> metrics.dtsKeyAge(91.5));
    assertEquals(1, lines.size(), lines.toString());
    assertEquals(91.5, lines.get(0).get("DtsAccessKeyAgeDays").asDouble());
    JsonNode dims = lines.get(0).get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions");
    assertTrue(dims.isEmpty() || dims.get(0).isEmpty(), "the alarm reads it without dimensions: " + lines);
  }
}
