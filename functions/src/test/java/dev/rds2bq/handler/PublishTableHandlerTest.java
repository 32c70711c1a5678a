package dev.rds2bq.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.export.ExportRequest;
import dev.rds2bq.export.ExportResult;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.publish.PublishRequest;
import dev.rds2bq.publish.PublishResult;
import dev.rds2bq.publish.TablePublisher;
import dev.rds2bq.testing.LocalStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in events/PublishTable/: the exports it names are run for real (their sizes and
 * fingerprints depend on the build), then the sample, with those results, goes through the handler.
 */
class PublishTableHandlerTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TableExporter exporter;
  private static String bucket;

  @BeforeAll
  static void load() throws Exception {
    stack.sakila();
    bucket = stack.bucket("publish-handler");
    exporter = stack.exporter(LocalStack.config(bucket, ""), "sakila", LocalStack.demoPolicy());
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
    List<ExportResult> real = named.exports().stream().map(e -> exporter.export(
        new ExportRequest(e.runId(), e.runDate(), e.database(), e.table(), e.range()))).toList();
    for (int i = 0; i < real.size(); i++) {
      assertEquals(named.exports().get(i).files().get(0).key(), real.get(i).files().get(0).key(),
          "the sample's keys follow the S3 layout");
    }
    byte[] input = JSON.writeValueAsBytes(new PublishRequest(named.runId(), named.runDate(), named.database(),
        named.table(), named.expectedRanges(), real));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PublishTableHandler(new TablePublisher(stack.store(bucket), "exports", Clock.systemUTC()))
        .handleRequest(new ByteArrayInputStream(input), out, null);
    PublishResult result = JSON.readValue(out.toByteArray(), PublishResult.class);
    assertEquals(real.stream().mapToLong(ExportResult::rowsWritten).sum(), result.rows());
    assertNotNull(stack.store(bucket).get(result.manifestKey()));
  }
}
