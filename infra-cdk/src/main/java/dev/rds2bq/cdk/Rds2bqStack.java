package dev.rds2bq.cdk;

import dev.rds2bq.config.DeployedConfig;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.cdk.config.Deployment;
import dev.rds2bq.cdk.config.FunctionSpec;
import dev.rds2bq.cdk.constructs.AslDefinition;
import dev.rds2bq.cdk.constructs.DtsReader;
import dev.rds2bq.cdk.constructs.ExportBucket;
import dev.rds2bq.cdk.constructs.Monitoring;
import dev.rds2bq.cdk.constructs.Network;
import dev.rds2bq.cdk.constructs.Pipeline;
import dev.rds2bq.cdk.constructs.PipelineFunction;
import dev.rds2bq.cdk.constructs.RunSchedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * The whole rds2bq deployment. The stack only wires the constructs together and gives each function
 * exactly the permissions its handler uses (docs/deploy.md lists them); every name that the engine
 * config or another resource must know in advance is fixed by {@link Deployment}.
 */
public final class Rds2bqStack extends Stack {
  /** The environment variables the handlers read (core's DeployedConfig, and the metrics namespace). */
  public static final String CONFIG_VARIABLE = DeployedConfig.CONFIG_VARIABLE;
  public static final String POLICY_VARIABLE = DeployedConfig.POLICY_VARIABLE;
  public static final String CA_BUNDLE_VARIABLE = DeployedConfig.CA_BUNDLE_VARIABLE;
  /** JVM flags of every function but ExportTable. */
  static final String C1_ONLY = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

  /**
   * @param functionsJar the functions module's export jar (ExportTable)
   * @param controlJar the functions module's control jar (PlanRun, PublishTable, SummarizeRun)
   * @param loadJar the load module's Lambda jar (StartLoads, CheckLoads)
   * @param asl the state machine definition, statemachine/pipeline.asl.json
   */
  public record Inputs(Deployment deployment, Path functionsJar, Path controlJar, Path loadJar, Path asl) {}

  private final Map<FunctionSpec, PipelineFunction> functions = new EnumMap<>(FunctionSpec.class);
  private final ExportBucket exports;
  private final Key boundsKey;
  private final Pipeline pipeline;
  private final Monitoring monitoring;
  private final DtsReader dtsReader;
  private final Network network;
  private final RunSchedule schedule;
  private final Asset engineConfig;
  private final Asset policy;
  private final Asset caBundle;

  public Rds2bqStack(Construct scope, String id, StackProps props, Inputs inputs) {
    super(scope, id, props);
    Deployment d = inputs.deployment();
    AslDefinition definition = AslDefinition.read(inputs.asl(), d.config().run().executionTimeoutHours() * 3600);
    for (FunctionSpec spec : FunctionSpec.values()) {
      Integer task = definition.taskTimeout(spec);
      if (task != null && d.timeoutSeconds(spec) > task) {
        // Past the Task's timeout the state machine gives up (States.Timeout) while the function goes on.
        throw new IllegalArgumentException("deploy config: functions." + spec.functionName() + ".timeoutSeconds is "
            + d.timeoutSeconds(spec) + " but the state machine waits at most " + task + " s for " + spec.functionName()
            + " (TimeoutSeconds in " + inputs.asl() + "). Fix: set it to " + task + " or less");
      }
    }

    this.exports = new ExportBucket(this, "Exports", d);
    // Seals the key-range bounds of tables whose key column is masked: PlanRun may only encrypt
    // with it, ExportTable only decrypt, nobody else either (docs/data-contract.md#sealed-bounds).
    this.boundsKey = Key.Builder.create(this, "RangeBoundsKey")
        .alias(Deployment.boundsKeyAlias(d.stackName()))
        .description("rds2bq " + d.stackName() + ": seals masked primary-key range bounds in stored plans")
        .enableKeyRotation(true)
        .build();
    this.dtsReader = new DtsReader(this, "DtsReader", exports, d.dtsReaderSecretName(),
        d.config().bigquery().dtsReaderKeySerial());
    this.network = new Network(this, "Network", d);

    this.engineConfig = Asset.Builder.create(this, "EngineConfig").path(writeEngineConfig(d).toString()).build();
    this.policy = Asset.Builder.create(this, "MaskingPolicy").path(d.policyFile().toString()).build();
    this.caBundle = Asset.Builder.create(this, "CaBundle").path(d.caBundle().toString()).build();

    RetentionDays retention = retention(d.config().logRetentionDays());
    PipelineFunction.Placement database = new PipelineFunction.Placement(network.vpc(), network.databaseSubnets(),
        network.databaseGroup());
    PipelineFunction.Placement load = network.loadSubnets() == null ? null
        : new PipelineFunction.Placement(network.vpc(), network.loadSubnets(), network.loadGroup());

    for (FunctionSpec spec : FunctionSpec.values()) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put(PipelineMetrics.NAMESPACE_VARIABLE, PipelineMetrics.NAMESPACE);
      if (spec != FunctionSpec.EXPORT_TABLE) {
        // Short calls: C1 alone starts faster (load cold start 0.81-0.89 of the default, docs/benchmarks.md).
        // ExportTable keeps C2 for its minutes-long encoding loop.
        env.put("JAVA_TOOL_OPTIONS", C1_ONLY);
      }
      List<Asset> assets = new ArrayList<>();
      if (spec != FunctionSpec.SUMMARIZE_RUN) {
        env.put(CONFIG_VARIABLE, engineConfig.getS3ObjectUrl());
        assets.add(engineConfig);
      }
      if (spec == FunctionSpec.PLAN_RUN || spec == FunctionSpec.EXPORT_TABLE) {
        env.put(POLICY_VARIABLE, policy.getS3ObjectUrl());
        assets.add(policy);
      }
      if (d.inDatabaseVpc(spec)) {
        env.put(CA_BUNDLE_VARIABLE, caBundle.getS3ObjectUrl());
        assets.add(caBundle);
      }
      boolean loads = spec.pkg() == FunctionSpec.Package.LOAD;
      PipelineFunction.Placement placement = d.inDatabaseVpc(spec) ? database : loads ? load : null;
      PipelineFunction f = new PipelineFunction(this, spec.functionName(), new PipelineFunction.Props(spec,
          d.functionName(spec), switch (spec.pkg()) {
            case LOAD -> inputs.loadJar();
            case CONTROL -> inputs.controlJar();
            case FUNCTIONS -> inputs.functionsJar();
          }, d.memoryMiB(spec),
          d.timeoutSeconds(spec), env, placement, retention, loads ? d.functionName(spec) : null,
          // Each export holds one connection to the source: however it is invoked (a second execution
          // with allowConcurrent, a manual call), no more than the cap run at once.
          spec == FunctionSpec.EXPORT_TABLE ? d.engine().run().maxSourceConnections() : null));
      if (!assets.isEmpty()) {
        f.allow(PolicyStatement.Builder.create()
            .sid("ReadDeployedConfig")
            .actions(List.of("s3:GetObject"))
            .resources(assets.stream().map(Rds2bqStack::assetArn).toList())
            .build());
      }
      if (placement == database) {
        network.databasePath().forEach(f.function().getNode()::addDependency);
      }
      functions.put(spec, f);
    }
    grantPlanRun(d);
    grantExportTable(d);
    grantPublishTable(d);
    grantStartLoads(d);
    grantCheckLoads(d);

    List<PipelineFunction> all = List.copyOf(functions.values());
    this.pipeline = new Pipeline(this, "Pipeline", d.stateMachineName(), definition, all, retention);
    this.schedule = new RunSchedule(this, "Schedule", d.config().schedule(), pipeline.stateMachine());
    this.monitoring = new Monitoring(this, "Monitoring", d.stackName(), pipeline.stateMachine(), pipeline.logGroup(),
        all, d.config().alerts().emails(), d.config().bigquery().dtsReaderKeyMaxAgeDays());

    output("BucketName", exports.bucket().getBucketName(), "The export bucket");
    output("StateMachineArn", pipeline.stateMachine().getStateMachineArn(), "Start a run here (console or CLI)");
    output("DtsReaderSecretArn", dtsReader.secret().getSecretArn(), "Access key DTS reads the bucket with");
    output("StartLoadsRoleArn", functions.get(FunctionSpec.START_LOADS).role().getRoleArn(),
        "AWS identity of StartLoads, for Workload Identity Federation");
    output("CheckLoadsRoleArn", functions.get(FunctionSpec.CHECK_LOADS).role().getRoleArn(),
        "AWS identity of CheckLoads, for Workload Identity Federation");
    output("DatabaseFunctionsSecurityGroupId", network.databaseGroup().getSecurityGroupId(),
        "Security group of PlanRun and ExportTable: allow it on existing VPC endpoints and the replica");
    output("AlarmTopicArn", monitoring.topic().getTopicArn(), "Alarm notifications");
    output("DashboardName", monitoring.dashboard().getDashboardName(), "CloudWatch dashboard");
    output("EngineConfigUrl", engineConfig.getS3ObjectUrl(), "The engine config the functions read");
  }

  private void grantPlanRun(Deployment d) {
    PipelineFunction f = functions.get(FunctionSpec.PLAN_RUN);
    f.allow(secretRead("ReadSourceLogin", d.config().sourceSecretArns()));
    if (d.config().masking().hashKeySecretArn() != null) {
      // Which version of the hash key is current, to pin it in the plan; never the key itself.
      f.allow(PolicyStatement.Builder.create()
          .sid("PinHashKeyVersion")
          .actions(List.of("secretsmanager:DescribeSecret"))
          .resources(List.of(d.config().masking().hashKeySecretArn()))
          .build());
    }
    f.allow(boundsKeyUse("SealMaskedKeyBounds", "kms:GenerateDataKey"));
    f.allow(s3("WriteLargePlans", List.of("s3:PutObject"), exports.objectsArn(BucketLayout.PLANS_PATTERN)));
    // A run id given again (a re-run) is looked up: PlanRun lists the table's attempts to resume or
    // number the next one. Without the listing every re-run would fail at plan time with a 403.
    f.allow(exports.listPrefix("ListAttempts"));
    // An incremental table's next window starts at the mark its _state.json holds.
    f.allow(s3("ReadTableStates", List.of("s3:GetObject"), exports.objectsArn("*/" + BucketLayout.STATE)));
    f.allow(PolicyStatement.Builder.create()
        .sid("OneRunAtATime")
        .actions(List.of("states:ListExecutions"))
        .resources(List.of("arn:" + Aws.PARTITION + ":states:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":stateMachine:"
            + d.stateMachineName()))
        .build());
    f.allow(exports.keyUse(true));
    f.suppress("AwsSolutions-IAM5", "a plan too large for the payload goes under <prefix>/" + BucketLayout.PLANS
        + "dt=<date>/run=<id>/, keys known only at run time; nothing else under the prefix is writable; it reads"
        + " the " + BucketLayout.STATE + " of incremental tables.",
        exports.nagObjectsResource(BucketLayout.PLANS_PATTERN), exports.nagObjectsResource("*/" + BucketLayout.STATE));
  }

  private void grantExportTable(Deployment d) {
    PipelineFunction f = functions.get(FunctionSpec.EXPORT_TABLE);
    List<String> secrets = new ArrayList<>(d.config().sourceSecretArns());
    if (d.config().masking().hashKeySecretArn() != null) {
      secrets.add(d.config().masking().hashKeySecretArn());
    }
    f.allow(secretRead("ReadSourceLoginAndHashKey", secrets));
    f.allow(s3("WriteParquet", List.of("s3:PutObject", "s3:AbortMultipartUpload"),
        exports.objectsArn(BucketLayout.ANY_OBJECT)));
    f.allow(s3("ReadLargePlans", List.of("s3:GetObject"), exports.objectsArn(BucketLayout.PLANS_PATTERN)));
    // An export takes over a range an earlier execution of its attempt finished (its result and the
    // files it lists), counts its waits for a busy replica, and refuses to write into a published
    // attempt (its _SUCCESS): reads only, of those keys and the listing under the prefix.
    f.allow(s3("ReadResultsAndPublishedMarks", List.of("s3:GetObject"),
        exports.objectsArn(BucketLayout.EXPORT_RESULTS_PATTERN), exports.objectsArn("*/" + BucketLayout.SUCCESS)));
    f.allow(exports.listPrefix("ListUnderPrefix"));
    // Publishing is PublishTable's alone: an export, whoever invokes it, can never make a folder look
    // complete or move a table's pointer.
    f.allow(PolicyStatement.Builder.create()
        .sid("NeverPublish")
        .effect(Effect.DENY)
        .actions(List.of("s3:PutObject"))
        .resources(List.of(exports.objectsArn("*/" + BucketLayout.MANIFEST), exports.objectsArn("*/" + BucketLayout.SUCCESS),
            exports.objectsArn("*/" + BucketLayout.LATEST)))
        .build());
    f.allow(boundsKeyUse("OpenMaskedKeyBounds", "kms:Decrypt"));
    f.allow(exports.keyUse(true));
    f.suppress("AwsSolutions-IAM5", "writes <prefix>/" + BucketLayout.RUN_FOLDER_SHAPE + "part-*.parquet (and keys-*.parquet) for"
        + " tables discovered at run time, and reads plans under <prefix>/" + BucketLayout.PLANS + "; the wildcards stop at"
        + " the prefix; it reads back the export results and _SUCCESS marks of those folders.",
        exports.nagObjectsResource(BucketLayout.ANY_OBJECT), exports.nagObjectsResource(BucketLayout.PLANS_PATTERN),
        exports.nagObjectsResource(BucketLayout.EXPORT_RESULTS_PATTERN),
        exports.nagObjectsResource("*/" + BucketLayout.SUCCESS));
  }

  private void grantPublishTable(Deployment d) {
    PipelineFunction f = functions.get(FunctionSpec.PUBLISH_TABLE);
    f.allow(s3("PublishUnderPrefix", List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
        exports.objectsArn(BucketLayout.ANY_OBJECT)));
    f.allow(exports.listPrefix("ListUnderPrefix"));
    if (d.verifySourceCount()) {
      f.allow(secretRead("ReadSourceLogin", d.config().sourceSecretArns()));
    }
    f.allow(exports.keyUse(true));
    f.suppress("AwsSolutions-IAM5", "checks, cleans and publishes the run folders of tables discovered at run time"
        + " (" + BucketLayout.MANIFEST + ", " + BucketLayout.SUCCESS + ", " + BucketLayout.LATEST + "); the wildcard"
        + " stops at the prefix.", exports.nagObjectsResource(BucketLayout.ANY_OBJECT));
  }

  /**
   * StartLoads hands the DTS key to Google and checks each table's pointer before loading it (loads
   * never go back, docs/loading.md); it reads the key's age too, for the key-age alarm.
   */
  private void grantStartLoads(Deployment d) {
    PipelineFunction f = functions.get(FunctionSpec.START_LOADS);
    f.allow(secretRead("ReadGoogleCredentialsAndDtsKey", List.of(d.config().bigquery().credentialsSecretArn(),
        dtsReader.secret().getSecretArn())));
    f.allow(PolicyStatement.Builder.create()
        .sid("DtsKeyAge")
        .actions(List.of("secretsmanager:DescribeSecret"))
        .resources(List.of(dtsReader.secret().getSecretArn()))
        .build());
    // A change set is merged only when BigQuery has not taken a later one (_state.json's loaded mark).
    f.allow(s3("ReadManifestsPointersAndStates", List.of("s3:GetObject"),
        exports.objectsArn(BucketLayout.MANIFESTS_PATTERN), exports.objectsArn("*/" + BucketLayout.LATEST),
        exports.objectsArn("*/" + BucketLayout.STATE)));
    // A table without a pointer loads: S3 answers a missing key with 404 only to a reader that may list.
    f.allow(exports.listPrefix("ListUnderPrefix"));
    f.allow(exports.keyUse(false));
    f.suppress("AwsSolutions-IAM5", "reads the " + BucketLayout.MANIFEST + ", " + BucketLayout.LATEST + " and "
        + BucketLayout.STATE + " of each published table, whose keys are known only at run time; read-only, those"
        + " objects only, and the wildcard stops at the prefix.", exports.nagObjectsResource(BucketLayout.MANIFESTS_PATTERN),
        exports.nagObjectsResource("*/" + BucketLayout.LATEST), exports.nagObjectsResource("*/" + BucketLayout.STATE));
  }

  /**
   * CheckLoads polls transfer runs, compares receipts, merges change sets and records what BigQuery
   * took: Google's credentials, the manifests and the tables' states, not the DTS key.
   */
  private void grantCheckLoads(Deployment d) {
    PipelineFunction f = functions.get(FunctionSpec.CHECK_LOADS);
    f.allow(secretRead("ReadGoogleCredentials", List.of(d.config().bigquery().credentialsSecretArn())));
    f.allow(s3("ReadManifests", List.of("s3:GetObject"), exports.objectsArn(BucketLayout.MANIFESTS_PATTERN)));
    // After a checked load or merge it moves _state.json's loaded mark: a conditional write, which
    // first lists the key (a missing key reads as 404 only to a reader that may list).
    f.allow(s3("RecordLoadedState", List.of("s3:GetObject", "s3:PutObject"),
        exports.objectsArn("*/" + BucketLayout.STATE)));
    f.allow(exports.listPrefix("ListUnderPrefix"));
    f.allow(exports.keyUse(true));
    f.suppress("AwsSolutions-IAM5", "reads the " + BucketLayout.MANIFEST + " of each published table and writes its "
        + BucketLayout.STATE + ", whose keys are known only at run time; those objects only, and the wildcard stops"
        + " at the prefix.", exports.nagObjectsResource(BucketLayout.MANIFESTS_PATTERN),
        exports.nagObjectsResource("*/" + BucketLayout.STATE));
  }

  /** One use of the range-bounds key: PlanRun seals with it, ExportTable opens, no one does both. */
  private PolicyStatement boundsKeyUse(String sid, String action) {
    return PolicyStatement.Builder.create().sid(sid).actions(List.of(action))
        .resources(List.of(boundsKey.getKeyArn())).build();
  }

  private static PolicyStatement secretRead(String sid, List<String> arns) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .actions(List.of("secretsmanager:GetSecretValue"))
        .resources(arns)
        .build();
  }

  private static PolicyStatement s3(String sid, List<String> actions, String... resources) {
    return PolicyStatement.Builder.create().sid(sid).actions(actions).resources(List.of(resources)).build();
  }

  /** The ARN of exactly one asset object in the bootstrap bucket. */
  static String assetArn(Asset asset) {
    return "arn:" + Aws.PARTITION + ":s3:::" + asset.getS3BucketName() + "/" + asset.getS3ObjectKey();
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  /** Writes the engine config into the cloud assembly's folder; the asset copies it from there. */
  private Path writeEngineConfig(Deployment d) {
    try {
      Path file = Path.of(Stage.of(this).getOutdir(), "rds2bq-engine-config", d.stackName(), "rds2bq.yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(file, d.engineYaml(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the engine config: " + e.getMessage(), e);
    }
  }

  static RetentionDays retention(int days) {
    return switch (days) {
      case 1 -> RetentionDays.ONE_DAY;
      case 3 -> RetentionDays.THREE_DAYS;
      case 5 -> RetentionDays.FIVE_DAYS;
      case 7 -> RetentionDays.ONE_WEEK;
      case 14 -> RetentionDays.TWO_WEEKS;
      case 30 -> RetentionDays.ONE_MONTH;
      case 60 -> RetentionDays.TWO_MONTHS;
      case 90 -> RetentionDays.THREE_MONTHS;
      case 120 -> RetentionDays.FOUR_MONTHS;
      case 150 -> RetentionDays.FIVE_MONTHS;
      case 180 -> RetentionDays.SIX_MONTHS;
      case 365 -> RetentionDays.ONE_YEAR;
      case 400 -> RetentionDays.THIRTEEN_MONTHS;
      case 545 -> RetentionDays.EIGHTEEN_MONTHS;
      case 731 -> RetentionDays.TWO_YEARS;
      case 1096 -> RetentionDays.THREE_YEARS;
      case 1827 -> RetentionDays.FIVE_YEARS;
      case 2192 -> RetentionDays.SIX_YEARS;
      case 2557 -> RetentionDays.SEVEN_YEARS;
      case 2922 -> RetentionDays.EIGHT_YEARS;
      case 3288 -> RetentionDays.NINE_YEARS;
      case 3653 -> RetentionDays.TEN_YEARS;
      default -> throw new IllegalArgumentException("not a CloudWatch Logs retention: " + days + " days");
    };
  }

  public PipelineFunction function(FunctionSpec spec) {
    return functions.get(spec);
  }

  /** The KMS key that seals masked key bounds: PlanRun encrypts, ExportTable decrypts. */
  public Key boundsKey() {
    return boundsKey;
  }

  public ExportBucket exports() {
    return exports;
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public Monitoring monitoring() {
    return monitoring;
  }

  public RunSchedule schedule() {
    return schedule;
  }

  public Network network() {
    return network;
  }

  public DtsReader dtsReader() {
    return dtsReader;
  }

  /** The engine config, the masking policy and the CA bundle, as S3 assets. */
  public List<Asset> configAssets() {
    return List.of(engineConfig, policy, caBundle);
  }
}
