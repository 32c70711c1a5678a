package dev.rds2bq.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.summary.RunOutcome.ErrorInfo;
import dev.rds2bq.summary.RunOutcome.Load;
import dev.rds2bq.summary.RunOutcome.Loads;
import dev.rds2bq.summary.RunOutcome.Published;
import dev.rds2bq.summary.RunOutcome.TableOutcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a run ends: which tables fail, and a cause that names each of them on one bounded line. */
class RunSummarizerTest {
  private static TableOutcome published(String table) {
    return new TableOutcome("app", table, "PUBLISHED", new Published("k", 2, 10, 100), null);
  }

  @Test
  void aRunWithoutLoadsSucceedsWhenEveryTableIsPublished() {
    RunSummary s = RunSummarizer.summarize(new RunOutcome("r", "2026-11-27", false,
        List.of(published("a"), published("b")), null, null));
    assertEquals(RunSummary.SUCCEEDED, s.status());
    assertEquals(List.of(), s.failedTables());
    assertEquals("SKIPPED", s.tables().get(0).load());
    assertEquals(10L, s.tables().get(1).rows());
  }

  @Test
  void anUnfinishedOrMissingLoadFailsItsTable() {
    Loads loads = new Loads("r", "d", "t", true, List.of(new Load("app", "a", "ds.app__a", "tc", "run", "CANCELLED", null)));
    RunSummary s = RunSummarizer.summarize(new RunOutcome("r", "d", true, List.of(published("a"), published("b")),
        loads, null));
    assertEquals(List.of("app.a", "app.b"), s.failedTables());
    assertTrue(s.cause().contains("app.a: load CANCELLED"), s.cause());
    assertTrue(s.cause().contains("app.b: no load was started for it"), s.cause());
    assertEquals("NOT_STARTED", s.tables().get(1).load());
  }

  @Test
  void whenCheckingFailsTheLastKnownLoadStateIsKept() {
    Loads loads = new Loads("r", "d", "t", false, List.of(new Load("app", "a", "ds.app__a", "tc", "run", "RUNNING", null)));
    RunSummary s = RunSummarizer.summarize(new RunOutcome("r", "d", true, List.of(published("a"), published("b")),
        loads, new ErrorInfo("dev.rds2bq.error.LoadServiceUnavailableException", "{\"errorMessage\":\"gone\"}")));
    assertEquals(List.of("app.a", "app.b"), s.failedTables());
    assertEquals("RUNNING", s.tables().get(0).load(), "the transfer was started and may still finish");
    assertTrue(s.cause().contains("app.a: load last seen RUNNING, then checking failed"), s.cause());
    assertEquals("NOT_STARTED", s.tables().get(1).load());
  }

  @Test
  void errorsAreShortenedToOneLineWhateverTheirForm() {
    assertEquals("States.Timeout", RunSummarizer.describe(new ErrorInfo("States.Timeout", "")));
    assertEquals("States.TaskFailed: java.lang.IllegalStateException: x", RunSummarizer.describe(
        new ErrorInfo("States.TaskFailed", "java.lang.IllegalStateException: x")));
    assertEquals("DataException: bad date 2023-02-30 in t.c", RunSummarizer.describe(new ErrorInfo(
        "dev.rds2bq.error.DataException",
        "{\"errorMessage\":\"bad date\\n2023-02-30 in t.c\",\"errorType\":\"dev.rds2bq.error.DataException\"}")));
    assertEquals("Lambda.Unknown: {not json", RunSummarizer.describe(new ErrorInfo("Lambda.Unknown", "{not json")));
    String longMessage = "x".repeat(1000);
    assertEquals(RunSummarizer.MAX_ERROR_CHARS, RunSummarizer.describe(new ErrorInfo("E", longMessage)).length() - 3);
  }

  @Test
  void theCauseStaysBoundedWithManyFailedTables() {
    List<TableOutcome> tables = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      tables.add(new TableOutcome("app", "t" + i, "FAILED", null,
          new ErrorInfo("dev.rds2bq.error.SourceUnavailableException", "connection lost ".repeat(30))));
    }
    RunSummary s = RunSummarizer.summarize(new RunOutcome("r", "d", true, tables, null, null));
    assertEquals(500, s.failedTables().size());
    assertTrue(s.cause().length() <= RunSummarizer.MAX_CAUSE_CHARS, "" + s.cause().length());
    assertTrue(s.cause().startsWith("500 of 500 table(s) failed: app.t0: SourceUnavailableException: connection lost"));
    assertTrue(s.cause().endsWith("(see the execution output for all 500)"), s.cause());
  }
}
