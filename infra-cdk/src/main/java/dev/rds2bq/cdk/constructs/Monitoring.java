package dev.rds2bq.cdk.constructs;

import dev.rds2bq.cdk.PipelineMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.LogQueryWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * Alerting and the dashboard.
 *
 * <ul>
 *   <li>An SNS topic (encrypted with its own rotated key, TLS only) that CloudWatch alarms may publish to,
 *       with the configured e-mail subscriptions.</li>
 *   <li>Alarm "failed runs": an execution failed or timed out (AWS/States ExecutionsFailed +
 *       ExecutionsTimedOut, 5-minute sum at least 1).</li>
 *   <li>Alarm "failed tables": SummarizeRun reported a failed table ({@code rds2bq FailedTables}), for
 *       runs that end but not cleanly.</li>
 *   <li>Dashboard: the last runs (from the state machine's log), their outcome and duration, and per
 *       table the rows, bytes and seconds of the export, the rows published and the load time.</li>
 * </ul>
 */
public final class Monitoring extends Construct {
  private static final Duration DAY = Duration.days(1);

  private final Topic topic;
  private final Alarm failedRuns;
  private final Alarm failedTables;
  private final Alarm dtsKeyAge;
  private final Dashboard dashboard;

  /** @param dtsKeyMaxAgeDays the DTS reader key's age at which the key-age alarm fires */
  public Monitoring(Construct scope, String id, String stackName, StateMachine stateMachine, ILogGroup runLog,
      List<PipelineFunction> functions, List<String> emails, int dtsKeyMaxAgeDays) {
    super(scope, id);
    Key key = Key.Builder.create(this, "TopicKey")
        .description("rds2bq " + stackName + " alarm topic")
        .enableKeyRotation(true)
        .removalPolicy(RemovalPolicy.DESTROY)
        .pendingWindow(Duration.days(7))
        .build();
    key.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("CloudWatchAlarmsPublishEncrypted")
        .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
        .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
        .resources(List.of("*"))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
        .build());
    this.topic = Topic.Builder.create(this, "Topic")
        .topicName(stackName + "-alarms")
        .displayName("rds2bq " + stackName + " alarms")
        .masterKey(key)
        .enforceSsl(true)
        .build();
    topic.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("CloudWatchAlarmsPublish")
        .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
        .actions(List.of("sns:Publish"))
        .resources(List.of(topic.getTopicArn()))
        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
        .build());
    for (String email : emails) {
      topic.addSubscription(new EmailSubscription(email));
    }
    SnsAction notify = new SnsAction(topic);

    MetricOptions fiveMinutes = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
    this.failedRuns = Alarm.Builder.create(this, "FailedRuns")
        .alarmName(stackName + "-failed-runs")
        .alarmDescription("An rds2bq run failed or timed out. Open the execution in the Step Functions console, or"
            + " the dashboard " + stackName + ".")
        .metric(MathExpression.Builder.create()
            .expression("FILL(failed, 0) + FILL(timedOut, 0)")
            .usingMetrics(Map.of(
                "failed", stateMachine.metricFailed(fiveMinutes),
                "timedOut", stateMachine.metricTimedOut(fiveMinutes)))
            .label("failed or timed-out runs")
            .period(Duration.minutes(5))
            .build())
        .threshold(1)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    failedRuns.addAlarmAction(notify);

    this.failedTables = Alarm.Builder.create(this, "FailedTables")
        .alarmName(stackName + "-failed-tables")
        .alarmDescription("SummarizeRun reported at least one table that was not exported, published or loaded.")
        .metric(runMetric(PipelineMetrics.FAILED_TABLES, "Sum", Duration.minutes(5)))
        .threshold(1)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    failedTables.addAlarmAction(notify);

    // StartLoads reports the key's age at every run; no run, no figure, no alarm.
    this.dtsKeyAge = Alarm.Builder.create(this, "DtsKeyAge")
        .alarmName(stackName + "-dts-key-age")
        .alarmDescription("The access key BigQuery Data Transfer Service reads the bucket with is "
            + dtsKeyMaxAgeDays + " days old or more. Rotate it between runs: raise bigquery.dtsReaderKeySerial and"
            + " deploy (docs/deploy.md, The DTS access key).")
        .metric(runMetric(PipelineMetrics.DTS_KEY_AGE_DAYS, "Maximum", DAY))
        .threshold(dtsKeyMaxAgeDays)
        .evaluationPeriods(1)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    dtsKeyAge.addAlarmAction(notify);

    MetricOptions daily = MetricOptions.builder().period(DAY).statistic("Sum").build();
    this.dashboard = Dashboard.Builder.create(this, "Dashboard")
        .dashboardName(stackName)
        .defaultInterval(Duration.days(14))
        .build();
    dashboard.addWidgets(TextWidget.Builder.create()
        .markdown("# rds2bq " + stackName + "\nRuns of the state machine **" + stateMachine.getStateMachineName()
            + "**, one point per day. Per-table metrics are in the namespace `" + PipelineMetrics.NAMESPACE
            + "` by Database and Table. Alarms: " + stackName + "-failed-runs, " + stackName + "-failed-tables.")
        .width(24).height(2).build());
    dashboard.addWidgets(LogQueryWidget.Builder.create()
        .title("Last runs")
        .logGroupNames(List.of(runLog.getLogGroupName()))
        .queryLines(List.of(
            "fields @timestamp, type, execution_arn",
            "filter type in [\"ExecutionStarted\", \"ExecutionSucceeded\", \"ExecutionFailed\", \"ExecutionTimedOut\","
                + " \"ExecutionAborted\"]",
            "sort @timestamp desc",
            "limit 40"))
        .width(12).height(6).build(),
        graph("Runs by outcome", List.of(
            stateMachine.metricSucceeded(daily).with(MetricOptions.builder().label("succeeded").build()),
            stateMachine.metricFailed(daily).with(MetricOptions.builder().label("failed").build()),
            stateMachine.metricTimedOut(daily).with(MetricOptions.builder().label("timed out").build())), 6),
        graph("Run duration (ms, longest of the day)", List.of(stateMachine.metricTime(
            MetricOptions.builder().period(DAY).statistic("Maximum").label("duration").build())), 6));
    dashboard.addWidgets(
        graph("Rows exported per table", List.of(perTable(PipelineMetrics.EXPORTED_ROWS, "Sum")), 8),
        graph("Export seconds per table (sum of ranges)", List.of(perTable(PipelineMetrics.EXPORT_SECONDS, "Sum")), 8),
        graph("Failed tables", List.of(
            runMetric(PipelineMetrics.FAILED_TABLES, "Sum", DAY).with(MetricOptions.builder().label("run total").build()),
            perTable(PipelineMetrics.FAILED_TABLES, "Sum")), 8));
    dashboard.addWidgets(
        graph("Parquet bytes exported per table", List.of(perTable(PipelineMetrics.EXPORTED_BYTES, "Sum")), 8),
        graph("Rows published per table", List.of(perTable(PipelineMetrics.PUBLISHED_ROWS, "Sum")), 8),
        graph("BigQuery load seconds per table", List.of(perTable(PipelineMetrics.LOAD_SECONDS, "Maximum")), 8));
    List<IMetric> errors = new ArrayList<>();
    List<IMetric> durations = new ArrayList<>();
    for (PipelineFunction f : functions) {
      String label = f.spec().functionName();
      errors.add(f.function().metricErrors(MetricOptions.builder().period(DAY).statistic("Sum").label(label).build()));
      durations.add(f.function().metricDuration(
          MetricOptions.builder().period(DAY).statistic("Maximum").label(label).build()));
    }
    dashboard.addWidgets(graph("Function errors", errors, 12), graph("Function duration (ms, max)", durations, 12));
  }

  private static IWidget graph(String title, List<IMetric> metrics, int width) {
    return GraphWidget.Builder.create().title(title).left(metrics).width(width).height(6).build();
  }

  private static IMetric perTable(String metric, String stat) {
    return MathExpression.Builder.create()
        .expression(PipelineMetrics.searchPerTable(metric, stat, 86400))
        .usingMetrics(Map.of())
        .label("")
        .period(DAY)
        .build();
  }

  private static Metric runMetric(String name, String stat, Duration period) {
    return Metric.Builder.create()
        .namespace(PipelineMetrics.NAMESPACE)
        .metricName(name)
        .statistic(stat)
        .period(period)
        .build();
  }

  public Topic topic() {
    return topic;
  }

  public Alarm failedRuns() {
    return failedRuns;
  }

  public Alarm dtsKeyAge() {
    return dtsKeyAge;
  }

  public Alarm failedTables() {
    return failedTables;
  }

  public Dashboard dashboard() {
    return dashboard;
  }
}
