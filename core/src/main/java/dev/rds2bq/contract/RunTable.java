package dev.rds2bq.contract;

/**
 * One table of one run: what names its folder in the bucket ({@link BucketLayout}). Every message
 * between the stages that is about one table has these four fields (ExportTable's input and result,
 * PublishTable's input, the manifest), so each of them is a {@code RunTable} as it stands.
 */
public interface RunTable {
  String database();

  String table();

  String runDate();

  String runId();

  /** A table of a run by its names alone, e.g. to show or look up its folder. */
  static RunTable of(String database, String table, String runDate, String runId) {
    return new Named(database, table, runDate, runId);
  }

  record Named(String database, String table, String runDate, String runId) implements RunTable {}
}
