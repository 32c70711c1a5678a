package dev.rds2bq.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * {@link TableMetrics} as CloudWatch Embedded Metric Format lines on stdout, through Powertools for
 * AWS Lambda: one line per event, each with its own dimensions, so no figure waits for the end of an
 * invocation that may fail. A metric that cannot be written is reported on stderr and never fails
 * the handler.
 */
public final class EmfTableMetrics implements TableMetrics {
  private final Metrics metrics;
  private final String namespace;

  EmfTableMetrics(Metrics metrics, String namespace) {
    this.metrics = metrics;
    this.namespace = namespace;
  }

  /**
   * The Lambda functions' metrics, in the namespace {@code RDS2BQ_METRICS_NAMESPACE} names; none
   * outside Lambda (unless {@code AWS_EMF_ENVIRONMENT} says where EMF goes), where the EMF library
   * would look for a CloudWatch agent.
   */
  public static TableMetrics fromEnvironment(Map<String, String> env) {
    if (!env.containsKey("AWS_LAMBDA_FUNCTION_NAME") && !env.containsKey("AWS_EMF_ENVIRONMENT")) {
      return NONE;
    }
    // The provider's own logger, not MetricsFactory's per-request proxy, which keeps a logger per trace id
    // until flush() and so would grow in a warm container that only ever calls flushMetrics.
    return new EmfTableMetrics(new EmfMetricsProvider().getMetricsInstance(),
        env.getOrDefault(NAMESPACE_VARIABLE, DEFAULT_NAMESPACE));
  }

  @Override
  public void exported(String database, String table, long rows, long bytes, double seconds) {
    emit(perTable(database, table), m -> {
      m.addMetric(EXPORTED_ROWS, rows, MetricUnit.COUNT);
      m.addMetric(EXPORTED_BYTES, bytes, MetricUnit.BYTES);
      m.addMetric(EXPORT_SECONDS, seconds, MetricUnit.SECONDS);
    });
  }

  @Override
  public void published(String database, String table, long rows) {
    emit(perTable(database, table), m -> m.addMetric(PUBLISHED_ROWS, rows, MetricUnit.COUNT));
  }

  @Override
  public void loaded(String database, String table, double seconds) {
    emit(perTable(database, table), m -> m.addMetric(LOAD_SECONDS, seconds, MetricUnit.SECONDS));
  }

  @Override
  public void runFinished(List<String> failedTables) {
    for (String name : failedTables) {
      int dot = name.indexOf('.');
      emit(perTable(name.substring(0, Math.max(dot, 0)), name.substring(dot + 1)),
          m -> m.addMetric(FAILED_TABLES, 1, MetricUnit.COUNT));
    }
    emit(null, m -> m.addMetric(FAILED_TABLES, failedTables.size(), MetricUnit.COUNT));
  }

  @Override
  public void dtsKeyAge(double days) {
    emit(null, m -> m.addMetric(DTS_KEY_AGE_DAYS, days, MetricUnit.NONE));
  }

  private static DimensionSet perTable(String database, String table) {
    return DimensionSet.of(DATABASE, database, TABLE, table);
  }

  private void emit(DimensionSet dimensions, Consumer<Metrics> body) {
    try {
      metrics.flushMetrics(m -> {
        m.setNamespace(namespace);
        // The run total has no dimension at all: not even the service name Powertools adds by default.
        m.clearDefaultDimensions();
        if (dimensions != null) {
          m.addDimension(dimensions);
        }
        body.accept(m);
      });
    } catch (RuntimeException e) {
      System.err.println("rds2bq: a metric could not be written (" + e + "); the run is not affected");
    }
  }
}
