package dev.rds2bq.plan;

import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.RunInProgressException;
import dev.rds2bq.error.StorageUnavailableException;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;

/** One run at a time: refuses to plan while another execution of the same state machine runs. */
public final class RunGuard {
  private final SfnClient sfn;

  public RunGuard(SfnClient sfn) {
    this.sfn = sfn;
  }

  /**
   * @param executionArn this execution, as {@code $$.Execution.Id}; null outside Step Functions
   *     (a direct invocation), where there is nothing to compare with
   */
  public void ensureAlone(String executionArn) {
    if (executionArn == null) {
      return;
    }
    String stateMachineArn = stateMachineOf(executionArn);
    List<ExecutionListItem> running;
    try {
      running = sfn.listExecutionsPaginator(b -> b.stateMachineArn(stateMachineArn)
              .statusFilter(ExecutionStatus.RUNNING).maxResults(100))
          .executions().stream().filter(e -> !e.executionArn().equals(executionArn)).toList();
    } catch (SfnException e) {
      if (e.statusCode() == 400 || e.statusCode() == 403) {
        throw new ConfigException("cannot list the executions of " + stateMachineArn + " ("
            + (e.awsErrorDetails() == null ? e.statusCode() : e.awsErrorDetails().errorCode())
            + "); grant states:ListExecutions on it to the PlanRun function");
      }
      throw new StorageUnavailableException("Step Functions failed listing executions", e);
    } catch (SdkException e) {
      throw new StorageUnavailableException("Step Functions failed listing executions", e);
    }
    if (!running.isEmpty()) {
      ExecutionListItem other = running.get(0);
      throw new RunInProgressException("another run is in progress: " + other.executionArn() + " (started "
          + other.startDate() + "). Wait for it to end, or start with {\"allowConcurrent\": true} to run anyway");
    }
  }

  /** arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME → arn:aws:states:REGION:ACCOUNT:stateMachine:MACHINE */
  static String stateMachineOf(String executionArn) {
    String[] p = executionArn.split(":");
    if (p.length < 8 || !"execution".equals(p[5])) {
      throw new dev.rds2bq.error.InvalidInputException("executionArn '" + executionArn
          + "' is not a Step Functions execution ARN");
    }
    return String.join(":", p[0], p[1], p[2], p[3], p[4], "stateMachine", p[6]);
  }
}
