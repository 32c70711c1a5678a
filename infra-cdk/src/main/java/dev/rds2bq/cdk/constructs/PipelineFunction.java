package dev.rds2bq.cdk.constructs;

import dev.rds2bq.cdk.config.FunctionSpec;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.VersionOptions;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One pipeline function: its own role (no managed policies; every statement is added by the stack for
 * this function alone), its own log group with a retention, JSON logs, SnapStart on published
 * versions, and the {@code live} alias the state machine invokes.
 */
public final class PipelineFunction extends Construct {
  /** The Lambda runtime: Java 25 (the jars are Java 17 bytecode), SnapStart capable, cdk-nag's latest. */
  public static final Runtime RUNTIME = Runtime.JAVA_25;
  public static final String ALIAS = "live";

  /** Where a function runs when it needs a VPC. */
  public record Placement(IVpc vpc, SubnetSelection subnets, ISecurityGroup group) {}

  /**
   * @param roleName a fixed role name (for the load functions, whose role WIF trusts), or null
   * @param placement the VPC placement, or null to run outside any VPC
   * @param reservedConcurrency the most instances that may run at once, or null for no limit
   */
  public record Props(FunctionSpec spec, String functionName, Path jar, int memoryMiB, int timeoutSeconds,
      Map<String, String> environment, Placement placement, RetentionDays retention, String roleName,
      Integer reservedConcurrency) {}

  private final FunctionSpec spec;
  private final Role role;
  private final LogGroup logGroup;
  private final Function function;
  private final Alias alias;

  public PipelineFunction(Construct scope, String id, Props props) {
    super(scope, id);
    this.spec = props.spec();
    Role.Builder roleBuilder = Role.Builder.create(this, "Role")
        .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
        .description("rds2bq " + spec.functionName() + ": only what this function needs");
    if (props.roleName() != null) {
      roleBuilder.roleName(props.roleName());
    }
    this.role = roleBuilder.build();

    this.logGroup = LogGroup.Builder.create(this, "Logs")
        .logGroupName("/aws/lambda/" + props.functionName())
        .retention(props.retention())
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    role.addToPolicy(PolicyStatement.Builder.create()
        .sid("OwnLogGroup")
        .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
        .resources(List.of(logGroup.getLogGroupArn()))
        .build());

    Function.Builder builder = Function.Builder.create(this, "Function")
        .functionName(props.functionName())
        .description("rds2bq " + spec.functionName() + " (" + spec.handler() + ")")
        .runtime(RUNTIME)
        .architecture(Architecture.ARM_64)
        .handler(spec.handler())
        .code(Code.fromAsset(props.jar().toString()))
        .memorySize(props.memoryMiB())
        .timeout(Duration.seconds(props.timeoutSeconds()))
        .role(role)
        .logGroup(logGroup)
        .loggingFormat(LoggingFormat.JSON)
        .applicationLogLevelV2(ApplicationLogLevel.INFO)
        .systemLogLevelV2(SystemLogLevel.INFO)
        .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
        .environment(props.environment())
        .currentVersionOptions(VersionOptions.builder().removalPolicy(RemovalPolicy.DESTROY).build());
    if (props.reservedConcurrency() != null) {
      builder.reservedConcurrentExecutions(props.reservedConcurrency());
    }
    Placement placement = props.placement();
    if (placement != null) {
      builder.vpc(placement.vpc()).vpcSubnets(placement.subnets()).securityGroups(List.of(placement.group()));
      role.addToPolicy(PolicyStatement.Builder.create()
          .sid("VpcNetworkInterfaces")
          .actions(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
              "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))
          .resources(List.of("*"))
          .build());
      suppress("AwsSolutions-IAM5", "Lambda manages the function's network interfaces with these EC2 actions; the"
          + " Describe actions support no resource scoping, and the interfaces do not exist before Lambda creates"
          + " them (the same statement as AWSLambdaVPCAccessExecutionRole).", "Resource::*");
    }
    this.function = builder.build();
    Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
        "Invoked only through the live alias of currentVersion, a published version");
    this.alias = Alias.Builder.create(this, "Alias")
        .aliasName(ALIAS)
        .version(function.getCurrentVersion())
        .description("What the state machine invokes: the latest published version, restored from its SnapStart"
            + " snapshot")
        .build();
  }

  /** Adds a statement to this function's role. */
  public void allow(PolicyStatement statement) {
    if (statement != null) {
      role.addToPolicy(statement);
    }
  }

  /** Records a cdk-nag suppression on this function's role and its policy, for the findings listed. */
  public void suppress(String rule, String reason, String... appliesTo) {
    NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
        .id(rule)
        .reason(spec.functionName() + ": " + reason)
        .appliesTo(List.of((Object[]) appliesTo))
        .build()), true);
  }

  public FunctionSpec spec() {
    return spec;
  }

  public Role role() {
    return role;
  }

  public LogGroup logGroup() {
    return logGroup;
  }

  public Function function() {
    return function;
  }

  public Alias alias() {
    return alias;
  }
}
