package dev.rds2bq.cdk.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The state machine, built from the repository's ASL with each function's {@code live} alias ARN
 * substituted; it may invoke exactly the aliases the definition names. Every execution event is
 * logged with its data (level ALL) and traced with X-Ray.
 */
public final class Pipeline extends Construct {
  private final StateMachine stateMachine;
  private final LogGroup logGroup;

  public Pipeline(Construct scope, String id, String name, AslDefinition definition, List<PipelineFunction> functions,
      RetentionDays retention) {
    super(scope, id);
    this.logGroup = LogGroup.Builder.create(this, "Logs")
        .logGroupName("/aws/vendedlogs/states/" + name)
        .retention(retention)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();

    Map<String, String> substitutions = new LinkedHashMap<>();
    for (PipelineFunction f : functions) {
      substitutions.put(f.spec().substitutionKey(), f.alias().getFunctionArn());
    }
    this.stateMachine = StateMachine.Builder.create(this, "StateMachine")
        .stateMachineName(name)
        .stateMachineType(StateMachineType.STANDARD)
        .definitionBody(DefinitionBody.fromString(definition.text()))
        .definitionSubstitutions(substitutions)
        .logs(LogOptions.builder().destination(logGroup).level(LogLevel.ALL)
            // States carry key-range bounds (raw primary-key values) and error messages: kept out of the logs,
            // as the bucket keeps them from consumers. The events still show every state, error and retry.
            .includeExecutionData(false).build())
        .tracingEnabled(true)
        .build();

    List<String> invoked = functions.stream()
        .filter(f -> definition.invoked().contains(f.spec()))
        .map(f -> f.alias().getFunctionArn())
        .toList();
    if (!invoked.isEmpty()) {
      stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
          .sid("InvokeLiveAliases")
          .actions(List.of("lambda:InvokeFunction"))
          .resources(invoked)
          .build());
    }
    NagSuppressions.addResourceSuppressions(stateMachine, List.of(NagPackSuppression.builder()
        .id("AwsSolutions-IAM5")
        .reason("Added by CDK for logging level ALL and X-Ray tracing: CloudWatch Logs' log-delivery actions and"
            + " X-Ray's PutTraceSegments/PutTelemetryRecords/GetSampling* accept no resource other than *.")
        .appliesTo(List.of("Resource::*"))
        .build()), true);
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  public LogGroup logGroup() {
    return logGroup;
  }
}
