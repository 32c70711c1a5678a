package dev.rds2bq.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Step Functions API that PlanRun's one-run-at-a-time check calls, {@code ListExecutions}, for
 * the SDK's own {@code SfnClient} ({@code X-Amz-Target: AWSStepFunctions.ListExecutions}, SigV4
 * checked). The executions are the ones the test says are running; every call is recorded.
 */
public final class LocalStepFunctions extends AwsJsonService {
  private final Map<String, Instant> running = new ConcurrentHashMap<>();
  private final List<String> listedMachines = new CopyOnWriteArrayList<>();

  private LocalStepFunctions(String accessKey, String secretKey) {
    super("AWSStepFunctions", "states", accessKey, secretKey);
  }

  /** With S3Proxy's key pair, like {@link LocalSecretsManager#start()}. */
  public static LocalStepFunctions start() {
    return new LocalStepFunctions(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
  }

  /** An execution that ListExecutions reports as RUNNING until {@link #ended}. */
  public void started(String executionArn) {
    running.put(executionArn, Instant.now());
  }

  public void ended(String executionArn) {
    running.remove(executionArn);
  }

  /** The state machine ARN of each ListExecutions call, in order. */
  public List<String> listedMachines() {
    return List.copyOf(listedMachines);
  }

  @Override
  protected ObjectNode operation(String name, JsonNode request) {
    if (!name.equals("ListExecutions")) {
      throw new Failure("UnknownOperationException", "operation " + name + " is not supported here");
    }
    String machine = text(request, "stateMachineArn");
    if (machine == null || !machine.matches("arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[A-Za-z0-9_-]+")) {
      throw new Failure("InvalidArn", "Invalid Arn: '" + machine + "'");
    }
    listedMachines.add(machine);
    String status = text(request, "statusFilter");
    ObjectNode out = JSON.createObjectNode();
    ArrayNode executions = out.putArray("executions");
    String prefix = machine.replace(":stateMachine:", ":execution:") + ":";
    running.forEach((arn, since) -> {
      if (arn.startsWith(prefix) && (status == null || status.equals("RUNNING"))) {
        executions.addObject().put("executionArn", arn).put("stateMachineArn", machine)
            .put("name", arn.substring(prefix.length())).put("status", "RUNNING")
            .put("startDate", since.toEpochMilli() / 1000.0);
      }
    });
    return out;
  }
}
