package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What every rds2bq Lambda handler does around its engine: read the input JSON as {@code I}, refuse
 * an unreadable or empty one with an {@link InvalidInputException} that says the expected shape,
 * call {@link #handle}, and write the result as JSON. The engine never sees streams.
 */
public abstract class JsonHandler<I, O> implements RequestStreamHandler {
  /** Refuses unknown keys: for inputs rds2bq writes itself, where a stray key is a mistake. */
  public static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  /** Ignores unknown keys: for inputs that carry a previous state's whole output. */
  public static final ObjectMapper LENIENT = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final String name;
  private final Class<I> inputType;
  private final String shape;
  private final ObjectMapper json;

  /**
   * @param name the function's name in messages, e.g. "PublishTable"
   * @param shape the expected input, e.g. "{runId, runDate, tables}"
   */
  protected JsonHandler(String name, Class<I> inputType, String shape, ObjectMapper json) {
    this.name = name;
    this.inputType = inputType;
    this.shape = shape;
    this.json = json;
  }

  protected abstract O handle(I input);

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    O result;
    try {
      result = handle(read(input));
    } catch (RuntimeException e) {
      throw withoutStackTrace(e);
    } catch (Error e) {
      throw withoutStackTrace(e); // e.g. a class missing from a package: it would hit every table at once
    }
    json.writeValue(output, result);
  }

  /** The input when the payload is empty or JSON {@code null}: an error unless the handler has a default. */
  protected I emptyInput() {
    throw new InvalidInputException(name + " input is empty; expected " + shape);
  }

  private I read(InputStream input) {
    JsonNode tree;
    try {
      tree = json.readTree(input);
    } catch (IOException e) {
      throw new InvalidInputException(name + " input is not " + shape + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      return emptyInput();
    }
    try {
      return json.treeToValue(tree, inputType);
    } catch (IOException e) {
      throw new InvalidInputException(name + " input is not " + shape + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  /**
   * Lambda puts the thrown exception's whole stack trace into the error the state machine records
   * as the table's {@code Cause}, and every table's outcome shares one 256 KiB payload. The trace
   * goes to the function's log instead; the error keeps its class name and message.
   */
  static <T extends Throwable> T withoutStackTrace(T e) {
    e.printStackTrace();
    for (Throwable t = e; t != null; t = t.getCause()) {
      t.setStackTrace(new StackTraceElement[0]);
    }
    return e;
  }
}
