package dev.rds2bq.handler;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.DataException;
import dev.rds2bq.error.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shell every handler shares: input errors name the shape, failures leave without a stack trace. */
class JsonHandlerTest {
  record Echo(String value) {}

  private static final JsonHandler<Echo, Map<String, String>> ECHO =
      new JsonHandler<>("Echo", Echo.class, "{value}", JsonHandler.STRICT) {
        @Override
        protected Map<String, String> handle(Echo input) {
          if (input.value().equals("missing-class")) {
            throw new NoClassDefFoundError("com/example/Gone");
          }
          if (input.value().equals("bad")) {
            throw new DataException("table t, column c: bad value", new IllegalStateException("inner"));
          }
          return Map.of("echo", input.value());
        }
      };

  private static String run(String json) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ECHO.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void readsHandlesAndWrites() throws Exception {
    assertEquals("{\"echo\":\"x\"}", run("{\"value\":\"x\"}"));
  }

  @Test
  void inputErrorsNameTheFunctionAndTheShape() {
    InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> run("{\"valu\":\"x\"}"));
    assertTrue(unknown.getMessage().startsWith("Echo input is not {value}"), unknown.getMessage());
    InvalidInputException empty = assertThrows(InvalidInputException.class, () -> run("null"));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
  }

  @Test
  void failuresKeepTypeAndMessageButNoStackTrace() {
    DataException e = assertThrows(DataException.class, () -> run("{\"value\":\"bad\"}"));
    assertEquals("table t, column c: bad value", e.getMessage());
    assertEquals(0, e.getStackTrace().length);
    assertEquals(0, e.getCause().getStackTrace().length);
    NoClassDefFoundError error = assertThrows(NoClassDefFoundError.class, () -> run("{\"value\":\"missing-class\"}"));
    assertEquals(0, error.getStackTrace().length, "errors too: a packaging mistake fails every table at once");
  }

  @Test
  void anEmptyPayloadUsesTheHandlersDefaultOrFails() {
    assertThrows(InvalidInputException.class, () -> run(""));
    JsonHandler<Echo, String> withDefault = new JsonHandler<>("Echo", Echo.class, "{value}", JsonHandler.STRICT) {
      @Override
      protected Echo emptyInput() {
        return new Echo("default");
      }

      @Override
      protected String handle(Echo input) {
        return input.value();
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertDoesNotThrow(() -> withDefault.handleRequest(new ByteArrayInputStream(new byte[0]), out, null));
    assertEquals("\"default\"", out.toString(StandardCharsets.UTF_8));
  }
}
