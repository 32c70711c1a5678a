package dev.rds2bq.contract;

/**
 * One attempt at one table of one run: what names its folder in the bucket ({@link BucketLayout}).
 * Every message between the stages that is about one table has these fields (ExportTable's
 * input and result, PublishTable's input, the manifest), so each of them is a {@code RunTable} as it
 * stands. PlanRun picks the attempt: every execution that re-reads a table writes a new one, so
 * nothing a published manifest lists is ever written again.
 */
public interface RunTable {
  /** The source's name under the config's {@code sources}; null for a config with a single {@code source}. */
  String source();

  String database();

  String table();

  String runDate();

  String runId();

  /** The attempt's number ({@code 1}, {@code 2}, ...) within the run, as PlanRun chose it. */
  String attempt();

  /** A table of a run by its names alone, e.g. to show or look up its folder. */
  static RunTable of(String database, String table, String runDate, String runId, String attempt) {
    return of(null, database, table, runDate, runId, attempt);
  }

  /** A table of a named source (null: the config's single {@code source}) by its names alone. */
  static RunTable of(String source, String database, String table, String runDate, String runId, String attempt) {
    return new Named(source, database, table, runDate, runId, attempt);
  }

  record Named(String source, String database, String table, String runDate, String runId, String attempt)
      implements RunTable {}
}
