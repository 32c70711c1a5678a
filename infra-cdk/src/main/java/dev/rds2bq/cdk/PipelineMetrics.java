package dev.rds2bq.cdk;

import dev.rds2bq.metrics.TableMetrics;
import java.util.List;

/**
 * The custom metrics the handlers emit (names from core's {@link TableMetrics}, the one source) in CloudWatch Embedded Metric Format and the dashboard and
 * alarms read. The handlers take the namespace from {@link #NAMESPACE_VARIABLE}, which the stack sets
 * on every function. One EMF line per event, printed alone on stdout.
 *
 * <table>
 *   <tr><th>metric</th><th>unit</th><th>emitted by</th><th>dimensions</th></tr>
 *   <tr><td>ExportedRows</td><td>Count</td><td>ExportTable, per call (a table or a range)</td><td>Database, Table</td></tr>
 *   <tr><td>ExportedBytes</td><td>Bytes</td><td>ExportTable, Parquet bytes written</td><td>Database, Table</td></tr>
 *   <tr><td>ExportSeconds</td><td>Seconds</td><td>ExportTable, wall time of the call</td><td>Database, Table</td></tr>
 *   <tr><td>PublishedRows</td><td>Count</td><td>PublishTable, rows in the manifest</td><td>Database, Table</td></tr>
 *   <tr><td>LoadSeconds</td><td>Seconds</td><td>CheckLoads, when a table's load ends: its DTS run's duration</td>
 *       <td>Database, Table</td></tr>
 *   <tr><td>FailedTables</td><td>Count</td><td>SummarizeRun: 1 per failed table with Database, Table; and the run's
 *       total (0 when none) with no dimension</td><td>Database, Table; and none</td></tr>
 * </table>
 */
public final class PipelineMetrics {
  public static final String NAMESPACE = TableMetrics.DEFAULT_NAMESPACE;
  public static final String NAMESPACE_VARIABLE = TableMetrics.NAMESPACE_VARIABLE;
  public static final String DATABASE = TableMetrics.DATABASE;
  public static final String TABLE = TableMetrics.TABLE;

  public static final String EXPORTED_ROWS = TableMetrics.EXPORTED_ROWS;
  public static final String EXPORTED_BYTES = TableMetrics.EXPORTED_BYTES;
  public static final String EXPORT_SECONDS = TableMetrics.EXPORT_SECONDS;
  public static final String PUBLISHED_ROWS = TableMetrics.PUBLISHED_ROWS;
  public static final String LOAD_SECONDS = TableMetrics.LOAD_SECONDS;
  public static final String FAILED_TABLES = TableMetrics.FAILED_TABLES;
  public static final String DTS_KEY_AGE_DAYS = TableMetrics.DTS_KEY_AGE_DAYS;

  public static final List<String> PER_TABLE = List.of(EXPORTED_ROWS, EXPORTED_BYTES, EXPORT_SECONDS, PUBLISHED_ROWS,
      LOAD_SECONDS, FAILED_TABLES);

  private PipelineMetrics() {}

  /** A CloudWatch SEARCH over every table's series of one metric. */
  public static String searchPerTable(String metric, String stat, int periodSeconds) {
    return "SEARCH('{" + NAMESPACE + "," + DATABASE + "," + TABLE + "} MetricName=\"" + metric + "\"', '" + stat
        + "', " + periodSeconds + ")";
  }
}
