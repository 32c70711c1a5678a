package dev.rds2bq.cdk.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The one file a user edits to deploy rds2bq ({@code rds2bq.deploy.yaml}, see
 * infra-cdk/rds2bq.deploy.example.yaml and docs/deploy.md). Read by {@link DeployConfigLoader}, which
 * rejects unknown keys and checks every rule at once; the defaults are applied here.
 *
 * <p>Keys that the engine also has ({@code tables.*}, {@code run.*}, most of {@code bigquery.*},
 * and everything under {@code engine:}) keep the engine's names (docs/configuration.md), so an error
 * from the engine's own checks names a key that exists in this file too.
 */
public record DeployConfig(
    String stackName,
    Aws aws,
    Source source,
    Map<String, Source> sources,
    Network network,
    Tables tables,
    Masking masking,
    Bucket bucket,
    BigQuery bigquery,
    Schedule schedule,
    Run run,
    Alerts alerts,
    Integer logRetentionDays,
    Map<String, FunctionSize> functions,
    Map<String, Object> engine) {

  public static final String DEFAULT_STACK_NAME = "rds2bq";

  public DeployConfig {
    stackName = stackName == null ? DEFAULT_STACK_NAME : stackName;
    tables = tables == null ? new Tables(null, null) : tables;
    run = run == null ? new Run(null, null, null, null, null, null, null) : run;
    alerts = alerts == null ? new Alerts(null) : alerts;
    logRetentionDays = logRetentionDays == null ? 90 : logRetentionDays;
    functions = functions == null ? Map.of() : Map.copyOf(functions);
    engine = engine == null ? Map.of() : engine;
    sources = sources == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sources));
  }

  /**
   * The way from the database functions to one source: its login secret, and the security group
   * and port its replica listens on.
   *
   * @param name null for the single {@code source}
   */
  public record SourcePath(String name, String secretArn, String securityGroupId, int port, boolean addIngressRule,
      String engine) {
    /** A name for construct ids and rule descriptions: {@code Replica}, or {@code Replica-<name>}. */
    public String id() {
      return name == null ? "Replica" : "Replica-" + name;
    }
  }

  /** Every source's path, in file order: the single {@code source} through {@code network}'s replica settings. */
  public java.util.List<SourcePath> sourcePaths() {
    if (sources == null) {
      return java.util.List.of(new SourcePath(null, source.secretArn(), network.replicaSecurityGroupId(),
          network.replicaPort(), network.addReplicaIngressRule(), "mysql"));
    }
    java.util.List<SourcePath> paths = new java.util.ArrayList<>();
    sources.forEach((name, s) -> paths.add(new SourcePath(name, s.secretArn(), s.securityGroupId(), s.portOrDefault(),
        s.addsIngressRule(), s.engineOrDefault())));
    return paths;
  }

  /** The login secrets of every source. */
  public java.util.List<String> sourceSecretArns() {
    return sourcePaths().stream().map(SourcePath::secretArn).toList();
  }

  /** The CA bundle every source verifies its server with (one RDS bundle per region covers every engine). */
  public String caBundle() {
    return sources == null ? source.caBundle() : sources.values().iterator().next().caBundle();
  }

  /** Where the stack goes. Both are required, so a synth never depends on the caller's profile. */
  public record Aws(String account, String region) {}

  /**
   * A read replica: one login (an RDS-format secret) for every database listed. Under
   * {@code sources}, each entry also says its engine and how the functions reach it; the single
   * {@code source} is MySQL, reached through {@code network}'s replica settings.
   *
   * @param secretArn full ARN of the replica's login secret, with its 6-character suffix
   * @param databases the databases a run exports, in order (PostgreSQL: schemas)
   * @param caBundle local path of the RDS CA bundle (PEM), relative to this file; shipped as an asset
   * @param engine {@code mysql} (default) or {@code postgresql}; under {@code sources} only
   * @param database PostgreSQL's database (default: the secret's dbname); under {@code sources} only
   * @param securityGroupId the replica's security group; under {@code sources} only
   * @param port the replica's port (3306 for mysql, 5432 for postgresql); under {@code sources} only
   * @param addIngressRule add an inbound rule for the functions to the replica's group (default true)
   */
  public record Source(String secretArn, List<String> databases, String caBundle, String engine, String database,
      String securityGroupId, Integer port, Boolean addIngressRule) {
    public Source {
      databases = databases == null ? List.of() : List.copyOf(databases);
    }

    public Source(String secretArn, List<String> databases, String caBundle) {
      this(secretArn, databases, caBundle, null, null, null, null, null);
    }

    /** The engine: as set, or mysql. */
    public String engineOrDefault() {
      return engine == null ? "mysql" : engine;
    }

    /** The port: as set, or the engine's default. */
    public int portOrDefault() {
      return port != null ? port : "postgresql".equals(engine) ? 5432 : 3306;
    }

    /** Whether the stack adds the replica's inbound rule (default true). */
    public boolean addsIngressRule() {
      return addIngressRule == null || addIngressRule;
    }

    /** Whether a key that only an entry of {@code sources} may have is set. */
    boolean hasSourcesKeys() {
      return engine != null || database != null || securityGroupId != null || port != null || addIngressRule != null;
    }
  }

  /**
   * Where the functions that reach the replica run.
   *
   * @param subnets private subnets that route to the replica, one per Availability Zone
   * @param replicaSecurityGroupId the replica's security group; the stack adds an inbound rule for
   *     the functions' security group on {@code replicaPort} when {@code addReplicaIngressRule}
   * @param endpoints which VPC endpoints the stack creates in those subnets
   * @param loadSubnets empty: StartLoads and CheckLoads run outside any VPC (Lambda's own internet
   *     access). Otherwise: private subnets of the same VPC whose default route is a NAT gateway.
   */
  public record Network(String vpcId, List<Subnet> subnets, String replicaSecurityGroupId, Integer replicaPort,
      Boolean addReplicaIngressRule, Endpoints endpoints, List<Subnet> loadSubnets, String s3PrefixListId,
      String endpointsSecurityGroupId) {
    public Network {
      subnets = subnets == null ? List.of() : List.copyOf(subnets);
      loadSubnets = loadSubnets == null ? List.of() : List.copyOf(loadSubnets);
      replicaPort = replicaPort == null ? 3306 : replicaPort;
      addReplicaIngressRule = addReplicaIngressRule == null || addReplicaIngressRule;
      endpoints = endpoints == null ? new Endpoints(null, null, null, null) : endpoints;
    }
  }

  /** A subnet as the stack needs it without looking the VPC up (synth stays offline). */
  public record Subnet(String id, String availabilityZone, String routeTableId) {}

  /**
   * VPC endpoints to create. Set one to false when the VPC already has it: a second interface
   * endpoint with private DNS for the same service fails to deploy.
   *
   * @param s3 gateway endpoint (free): data, plans and the config assets
   * @param secretsManager interface endpoint: the replica login and the hash key
   * @param stepFunctions interface endpoint: PlanRun's one-run-at-a-time check (ListExecutions)
   */
  public record Endpoints(Boolean s3, Boolean secretsManager, Boolean stepFunctions, Boolean kms) {
    public Endpoints {
      s3 = s3 == null || s3;
      secretsManager = secretsManager == null || secretsManager;
      stepFunctions = stepFunctions == null || stepFunctions;
      kms = kms == null || kms;
    }

    /** Whether the stack creates at least one interface endpoint (Secrets Manager, Step Functions, KMS). */
    public boolean anyInterface() {
      return secretsManager || stepFunctions || kms;
    }

    /** Whether the VPC already has at least one of the interface endpoints the functions use. */
    public boolean anyExisting() {
      return !secretsManager || !stepFunctions || !kms;
    }
  }

  /** Same names and meaning as the engine's {@code tables.include} / {@code tables.exclude}. */
  public record Tables(List<String> include, List<String> exclude) {
    public Tables {
      include = include == null || include.isEmpty() ? List.of("*") : List.copyOf(include);
      exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }
  }

  /**
   * @param policyFile local path of the masking policy (docs/masking.md), relative to this file;
   *     shipped as its own asset, so a policy change deploys without a code change
   * @param hashKeySecretArn ARN of the HMAC key secret used by {@code hash} columns; optional
   * @param requireDecisions the engine's {@code masking.requireDecisions}: {@code personal} (the
   *     default) or {@code all} (strict mode)
   * @param valueScan the engine's {@code masking.valueScan} section as written, checked by the
   *     engine's own parser at synth (docs/configuration.md)
   */
  public record Masking(String policyFile, String hashKeySecretArn,
      dev.rds2bq.config.PipelineConfig.RequireDecisions requireDecisions, Map<String, Object> valueScan) {
    public Masking(String policyFile, String hashKeySecretArn) {
      this(policyFile, hashKeySecretArn, null, null);
    }
  }

  public enum Encryption { S3, KMS }

  /**
   * The export bucket, created by the stack.
   *
   * @param prefix key prefix of everything rds2bq writes; every permission is scoped to it
   * @param encryption {@code S3} (SSE-S3, the default) or {@code KMS} (a customer-managed key)
   * @param runRetentionDays objects under the prefix expire this many days after they are written
   * @param planRetentionDays plans kept in S3 ({@code <prefix>/_plans/}) expire sooner
   * @param consumerAccounts AWS accounts allowed to read the published prefix
   */
  public record Bucket(String name, String prefix, Encryption encryption, Integer runRetentionDays,
      Integer planRetentionDays, Integer accessLogRetentionDays, List<String> consumerAccounts) {
    public Bucket {
      prefix = prefix == null ? null : prefix.replaceAll("^/+|/+$", "");
      encryption = encryption == null ? Encryption.S3 : encryption;
      runRetentionDays = runRetentionDays == null ? 90 : runRetentionDays;
      planRetentionDays = planRetentionDays == null ? 14 : planRetentionDays;
      accessLogRetentionDays = accessLogRetentionDays == null ? 365 : accessLogRetentionDays;
      consumerAccounts = consumerAccounts == null ? List.of() : List.copyOf(consumerAccounts);
    }
  }

  /**
   * The BigQuery side. {@code credentialsSecretArn} holds a Workload Identity Federation config
   * (recommended) or a service-account key. {@code dtsReaderKeySerial}: raise it to replace the DTS
   * reader's access key (the secret follows); {@code dtsReaderKeyMaxAgeDays}: the key's age at which
   * the stack's alarm fires. The rest is copied into the engine config as is.
   */
  public record BigQuery(String projectId, String location, String dataset, String credentialsSecretArn,
      String tableName, String writeDisposition, String schemaChanges, List<String> decimalTargetTypes,
      Integer requestTimeoutSeconds, Integer maxAttempts, Integer dtsReaderKeySerial, Integer dtsReaderKeyMaxAgeDays) {
    public static final int DEFAULT_DTS_KEY_MAX_AGE_DAYS = 90;

    public BigQuery {
      dtsReaderKeySerial = dtsReaderKeySerial == null ? 1 : dtsReaderKeySerial;
      dtsReaderKeyMaxAgeDays = dtsReaderKeyMaxAgeDays == null ? DEFAULT_DTS_KEY_MAX_AGE_DAYS : dtsReaderKeyMaxAgeDays;
    }
  }

  /**
   * @param cron EventBridge Scheduler cron fields: minutes hours day-of-month month day-of-week year,
   *     e.g. {@code 0 3 * * ? *}; {@code cron(...)} around them is accepted
   * @param timeZone IANA time zone of the cron, e.g. Asia/Tokyo; also the engine's runDateZone
   *     unless {@code engine.runDateZone} says otherwise
   * @param input the execution input the schedule sends; {@code {}} runs every selected table
   */
  public record Schedule(String cron, String timeZone, Boolean enabled, Map<String, Object> input) {
    public Schedule {
      enabled = enabled == null || enabled;
      input = input == null ? Map.of() : input;
    }
  }

  /**
   * The engine's {@code run:} section (the source connection cap, the Map concurrency and the load
 * waits; ExportTable's reserved concurrency is the cap), plus the execution
   * timeout (default 24 hours), which the stack writes into the state machine definition's top-level
   * {@code TimeoutSeconds}.
   */
  public record Run(Integer maxSourceConnections, Integer tableConcurrency, Integer rangeConcurrency,
      Integer loadVisibilityDelaySeconds, Integer loadPollSeconds, Integer loadTimeoutMinutes,
      Integer executionTimeoutHours) {
    public Run {
      executionTimeoutHours = executionTimeoutHours == null ? 24 : executionTimeoutHours;
    }
  }

  /** E-mail addresses subscribed to the alarm topic (each must confirm the subscription). */
  public record Alerts(List<String> emails) {
    public Alerts {
      emails = emails == null ? List.of() : List.copyOf(emails);
    }
  }

  /** Overrides a function's memory or timeout; the defaults are in {@code FunctionSpec}. */
  public record FunctionSize(@JsonProperty("memoryMiB") Integer memoryMiB,
      @JsonProperty("timeoutSeconds") Integer timeoutSeconds) {}
}
