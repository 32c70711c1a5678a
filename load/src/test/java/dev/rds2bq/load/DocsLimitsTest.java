package dev.rds2bq.load;

import static dev.rds2bq.localstack.DocQuotes.constant;
import static dev.rds2bq.localstack.DocQuotes.quoted;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load limits docs/ quotes, held to the code: error lists, parallel tables, deadlines and retries. */
class DocsLimitsTest {
  private static void allEqual(long expected, List<Long> quotes, String what) {
    for (long q : quotes) {
      assertEquals(expected, q, what + ": docs/ quote " + quotes + ", the code has " + expected);
    }
  }

  @Test
  void errorListsAndParallelTables() {
    long errors = constant(TableLoad.class, "MAX_ERRORS");
    long chars = constant(TableLoad.class, "MAX_ERROR_CHARS");
    allEqual(errors, quoted("loading.md", "at most (\\w+) messages of at most [\\d,]+ characters"), "errors per load");
    allEqual(chars, quoted("loading.md", "at most \\w+ messages of at most ([\\d,]+) characters"), "error length");
    allEqual(errors, quoted("state-machine.md", "errors cut to (\\w+) messages of [\\d,]+ characters"), "errors per load");
    allEqual(chars, quoted("state-machine.md", "errors cut to \\w+ messages of ([\\d,]+) characters"), "error length");
    long parallel = constant(LoadStarter.class, "PARALLEL_TABLES");
    allEqual(parallel, quoted("loading.md", "StartLoads prepares up to ([\\d]+) tables at once"), "parallel tables");
    allEqual(parallel, quoted("deploy.md", "run per table, ([\\d]+) tables at once"), "parallel tables");
  }

  @Test
  void deadlinesAndRetries() {
    BigQueryConfig defaults = new BigQueryConfig("p", null, "d", null, "c", "k", null, null, null, null, null, null);
    allEqual(defaults.requestTimeoutSeconds(), quoted("loading.md", "`bigquery.requestTimeoutSeconds` \\(default ([\\d]+)\\)"),
        "request timeout");
    allEqual(defaults.maxAttempts(), quoted("loading.md", "`bigquery.maxAttempts` \\(default ([\\d]+)\\)"), "attempts");
    RetryPolicy policy = RetryPolicy.of(defaults.requestTimeoutSeconds(), defaults.maxAttempts());
    allEqual(policy.initialBackoff().toSeconds(), quoted("loading.md", "\\| Wait after a failed attempt \\| ([\\d]+) s,"),
        "first wait");
    allEqual(policy.maxBackoff().toSeconds(), quoted("loading.md", "doubled per attempt up to ([\\d]+) s"), "longest wait");
    allEqual(policy.settings().getTotalTimeoutDuration().toSeconds(),
        quoted("loading.md", "`maxAttempts`: ([\\d]+) s with the defaults"), "total per call");
  }
}
