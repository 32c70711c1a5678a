package dev.rds2bq.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.testing.LocalStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample in events/SummarizeRun/ gives exactly its response in events/SummarizeRun/responses/. */
class SummarizeRunHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SummarizeRunHandler handler = new SummarizeRunHandler();

  static Stream<Path> samples() {
    List<Path> files = LocalStack.samples("SummarizeRun");
    assertFalse(files.isEmpty());
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleGivesItsResponse(Path sample) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(Files.newInputStream(sample), out, null);
    JsonNode expected = JSON.readTree(sample.resolveSibling("responses").resolve(sample.getFileName()).toFile());
    assertEquals(expected, JSON.readTree(out.toByteArray()), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void inputWithoutTablesIsInvalid() {
    assertThrows(InvalidInputException.class, () -> handler.handleRequest(
        new ByteArrayInputStream("{\"runId\":\"r\"}".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));
    assertThrows(InvalidInputException.class, () -> handler.handleRequest(
        new ByteArrayInputStream("[1]".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null));
  }
}
