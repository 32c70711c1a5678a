package dev.rds2bq.cdk.config;

import dev.rds2bq.config.PipelineConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A checked deploy config, with what follows from it: the local files to ship, the generated engine
 * config (already accepted by the engine's own parser), and the deterministic names of what the stack
 * creates. The stack reads everything from here.
 *
 * @param file the deploy config file
 * @param config its settings, defaults applied
 * @param policyFile the masking policy, resolved against the file's folder
 * @param caBundle the RDS CA bundle, resolved against the file's folder
 * @param engineYaml the engine config (docs/configuration.md) the functions read at init
 * @param engine that config as the engine parsed it
 */
public record Deployment(Path file, DeployConfig config, Path policyFile, Path caBundle, String engineYaml,
    PipelineConfig engine) {

  static Deployment of(Path file, DeployConfig config, Path baseDir) {
    Path policy = baseDir.resolve(config.masking().policyFile()).normalize();
    Path ca = baseDir.resolve(config.caBundle()).normalize();
    String yaml = EngineConfig.render(file, config, policy, ca);
    PipelineConfig engine = EngineConfig.check(file, yaml);
    return new Deployment(file, config, policy, ca, yaml, engine);
  }

  public String stackName() {
    return config.stackName();
  }

  public String account() {
    return config.aws().account();
  }

  public String region() {
    return config.aws().region();
  }

  public String bucketName() {
    return config.bucket().name();
  }

  /** The key prefix, without slashes at either end; never empty. */
  public String prefix() {
    return config.bucket().prefix();
  }

  /** The alias of the stack's KMS key that seals masked key bounds (docs/data-contract.md#sealed-bounds). */
  public static String boundsKeyAlias(String stackName) {
    return "alias/" + stackName + "-range-bounds";
  }

  /** Fixed, so PlanRun's ListExecutions permission can name it without a dependency cycle. */
  public String stateMachineName() {
    return stackName() + "-pipeline";
  }

  public String functionName(FunctionSpec spec) {
    return stackName() + "-" + spec.functionName();
  }

  /** The secret holding the DTS reader's access key, named so the engine config can refer to it. */
  public String dtsReaderSecretName() {
    return dtsReaderSecretName(stackName());
  }

  static String dtsReaderSecretName(String stackName) {
    return stackName + "/dts-s3-reader";
  }

  public int memoryMiB(FunctionSpec spec) {
    DeployConfig.FunctionSize size = config.functions().get(spec.functionName());
    return size != null && size.memoryMiB() != null ? size.memoryMiB() : spec.defaultMemoryMiB();
  }

  public int timeoutSeconds(FunctionSpec spec) {
    DeployConfig.FunctionSize size = config.functions().get(spec.functionName());
    if (size != null && size.timeoutSeconds() != null) {
      return size.timeoutSeconds();
    }
    return spec == FunctionSpec.PUBLISH_TABLE && verifySourceCount() ? 900 : spec.defaultTimeoutSeconds();
  }

  /** PublishTable counts rows on the replica, so it needs the VPC, the login and the CA bundle too. */
  public boolean verifySourceCount() {
    return engine.publish().verifySourceCount();
  }

  /** Whether the function runs in the replica's VPC. */
  public boolean inDatabaseVpc(FunctionSpec spec) {
    return spec.needsDatabase() || (spec == FunctionSpec.PUBLISH_TABLE && verifySourceCount());
  }

  /** Whether StartLoads and CheckLoads run in the VPC (private subnets with NAT) rather than outside it. */
  public boolean loadsInVpc() {
    return !config.network().loadSubnets().isEmpty();
  }

  public List<String> consumerAccounts() {
    return config.bucket().consumerAccounts();
  }
}
