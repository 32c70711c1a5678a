package dev.rds2bq.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.summary.RunOutcome;
import dev.rds2bq.summary.RunSummarizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * SummarizeRun: the state machine's state after exports and loads ({@code {runId, runDate, load,
 * tables: [table outcomes], loads?, loadError?}}) in, {@code {status, failedTables, cause, tables}}
 * out (events/SummarizeRun/). Reads no config and calls no service.
 */
public final class SummarizeRunHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    RunOutcome outcome;
    try {
      outcome = JSON.readValue(input, RunOutcome.class);
    } catch (IOException e) {
      throw new InvalidInputException("SummarizeRun input is not {runId, runDate, load, tables, loads?, loadError?}: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (outcome == null) {
      throw new InvalidInputException("SummarizeRun input is empty");
    }
    JSON.writeValue(output, RunSummarizer.summarize(outcome));
  }
}
