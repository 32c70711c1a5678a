package dev.rds2bq.cdk.constructs;

import dev.rds2bq.cdk.config.DeployConfig;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.TimeZone;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The EventBridge Scheduler schedule: at the configured cron, in the configured time zone (daylight
 * saving time included), it starts one execution with the fixed input of the deploy config
 * ({@code {}} by default: every selected table, the run date taken from the start time in
 * runDateZone). Its role may start this state machine only.
 */
public final class RunSchedule extends Construct {
  private final Schedule schedule;

  public RunSchedule(Construct scope, String id, DeployConfig.Schedule settings, IStateMachine stateMachine) {
    super(scope, id);
    String cron = "cron(" + DeployConfigCron.fields(settings.cron()) + ")";
    this.schedule = Schedule.Builder.create(this, "Schedule")
        .description("Starts the rds2bq run at " + cron + " " + settings.timeZone())
        .schedule(ScheduleExpression.expression(cron, TimeZone.of(settings.timeZone())))
        .enabled(settings.enabled())
        .target(new StepFunctionsStartExecution(stateMachine, ScheduleTargetBaseProps.builder()
            .input(ScheduleTargetInput.fromObject(settings.input()))
            .retryAttempts(2)
            .maxEventAge(Duration.hours(1))
            .build()))
        .build();
  }

  public Schedule schedule() {
    return schedule;
  }

  /** The six cron fields, without a {@code cron(...)} wrapper. */
  static final class DeployConfigCron {
    private DeployConfigCron() {}

    static String fields(String cron) {
      String trimmed = cron.trim();
      return trimmed.startsWith("cron(") && trimmed.endsWith(")")
          ? trimmed.substring(5, trimmed.length() - 1).trim() : trimmed;
    }
  }
}
