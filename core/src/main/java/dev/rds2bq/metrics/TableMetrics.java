package dev.rds2bq.metrics;

import java.util.List;

/**
 * Per-table figures the handlers report (docs/deploy.md#metrics): CloudWatch metrics in AWS, nothing
 * locally. The names are the contract with the CDK stack's dashboard and alarms.
 */
public interface TableMetrics {
  String NAMESPACE_VARIABLE = "RDS2BQ_METRICS_NAMESPACE";
  String DEFAULT_NAMESPACE = "rds2bq";
  String DATABASE = "Database";
  String TABLE = "Table";
  String EXPORTED_ROWS = "ExportedRows";
  String EXPORTED_BYTES = "ExportedBytes";
  String EXPORT_SECONDS = "ExportSeconds";
  String PUBLISHED_ROWS = "PublishedRows";
  String LOAD_SECONDS = "LoadSeconds";
  String FAILED_TABLES = "FailedTables";
  String DTS_KEY_AGE_DAYS = "DtsAccessKeyAgeDays";

  /** For tests and the local run. */
  TableMetrics NONE = new TableMetrics() {
    @Override
    public void exported(String database, String table, long rows, long bytes, double seconds) {}

    @Override
    public void published(String database, String table, long rows) {}

    @Override
    public void loaded(String database, String table, double seconds) {}

    @Override
    public void runFinished(List<String> failedTables) {}
  };

  /** One ExportTable call: a whole table or one range of it. */
  void exported(String database, String table, long rows, long bytes, double seconds);

  void published(String database, String table, long rows);

  /** A table's load ended (SUCCEEDED or not); {@code seconds} is its transfer run's duration. */
  void loaded(String database, String table, double seconds);

  /** The run's failed tables as {@code database.table}: one per table, and the total with no dimension. */
  void runFinished(List<String> failedTables);

  /** Days since the DTS reader's access key was last replaced, with no dimension: the key-age alarm's figure. */
  default void dtsKeyAge(double days) {}
}
