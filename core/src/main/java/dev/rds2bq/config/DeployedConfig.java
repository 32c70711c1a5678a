package dev.rds2bq.config;

import dev.rds2bq.error.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Finds the config, the masking policy and the CA bundle where a deployment put them: a file path,
 * or an {@code s3://bucket/key} URI that is copied to a local file once, when the container starts.
 *
 * <p>{@code RDS2BQ_CONFIG} names the config; {@code RDS2BQ_MASKING_POLICY} and
 * {@code RDS2BQ_CA_BUNDLE}, when set, replace {@code masking.policyFile} and
 * {@code source.caBundle}. The CDK stack ships the policy as its own asset this way, so a policy
 * change deploys without a code change. The result names local files only. Inside Lambda
 * ({@code AWS_LAMBDA_FUNCTION_NAME} set) a config with {@code source.tls: disabled} is refused.
 */
public record DeployedConfig(PipelineConfig config, Path configDir) {
  public static final String CONFIG_VARIABLE = "RDS2BQ_CONFIG";
  public static final String POLICY_VARIABLE = "RDS2BQ_MASKING_POLICY";
  public static final String CA_BUNDLE_VARIABLE = "RDS2BQ_CA_BUNDLE";
  static final String DEFAULT_CONFIG = "/var/task/rds2bq.yaml";
  /** Set by Lambda in every function's environment. */
  static final String LAMBDA_VARIABLE = "AWS_LAMBDA_FUNCTION_NAME";

  /** Reads the config from the environment; {@code s3} is asked for only when a location is an S3 URI. */
  public static DeployedConfig load(Map<String, String> env, Supplier<S3Client> s3, Path scratchDir) {
    Fetcher fetcher = new Fetcher(s3, scratchDir);
    String configLocation = env.getOrDefault(CONFIG_VARIABLE, DEFAULT_CONFIG);
    Path configFile = fetcher.local(CONFIG_VARIABLE, configLocation);
    PipelineConfig config = PipelineConfig.parse(configLocation, read(configFile, configLocation));
    Path configDir = configFile.toAbsolutePath().getParent();

    String policy = env.getOrDefault(POLICY_VARIABLE, config.masking().policyFile());
    String policyKey = env.containsKey(POLICY_VARIABLE) ? POLICY_VARIABLE : "config key 'masking.policyFile'";
    Path policyFile = isS3(policy) ? fetcher.local(policyKey, policy) : configDir.resolve(policy);

    PipelineConfig.SourceConfig source = config.source() == null ? null
        : resolvedSource(env, fetcher, configLocation, "source", config.source());
    Map<String, PipelineConfig.SourceConfig> sources = null;
    if (config.sources() != null) {
      sources = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, PipelineConfig.SourceConfig> e : config.sources().entrySet()) {
        sources.put(e.getKey(), resolvedSource(env, fetcher, configLocation, "sources." + e.getKey(), e.getValue()));
      }
    }
    PipelineConfig resolved = new PipelineConfig(config.bucket(), config.prefix(), source, sources,
        config.masking().withPolicyFile(policyFile.toString()),
        config.parquet(), config.zeroDates(), config.databases(), config.tables(), config.planning(),
        config.runDateZone(), config.maxBackfillDays(), config.publish(), config.run(), config.bigquery(),
        config.columnNames(), config.incremental());
    return new DeployedConfig(resolved, configDir);
  }

  /**
   * A source with its CA bundle on local disk. {@code RDS2BQ_CA_BUNDLE} replaces every source's
   * bundle (RDS publishes one bundle per region, which every engine's certificate chains to).
   */
  private static PipelineConfig.SourceConfig resolvedSource(Map<String, String> env, Fetcher fetcher,
      String configLocation, String key, PipelineConfig.SourceConfig source) {
    if (env.containsKey(LAMBDA_VARIABLE) && source.tls() == PipelineConfig.TlsMode.DISABLED) {
      // tls: disabled is for a database on this machine; in AWS it would send the login in clear text.
      throw new ConfigException("config " + configLocation + ": " + key + ".tls is 'disabled', which only a local"
          + " run may use; a Lambda function connects with tls: verify and " + key + ".caBundle"
          + " (docs/configuration.md#tls)");
    }
    String ca = env.getOrDefault(CA_BUNDLE_VARIABLE, source.caBundle());
    if (ca != null && isS3(ca)) {
      ca = fetcher.local(env.containsKey(CA_BUNDLE_VARIABLE) ? CA_BUNDLE_VARIABLE : "config key '" + key
          + ".caBundle'", ca).toString();
    }
    return source.withCaBundle(ca);
  }

  static boolean isS3(String location) {
    return location.startsWith("s3://");
  }

  private static String read(Path file, String location) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read the config " + location + " (set " + CONFIG_VARIABLE
          + " to its path or s3:// URI): " + e.getMessage(), e);
    }
  }

  /** Copies S3 objects to local files, one client for all of them. */
  private static final class Fetcher {
    private final Supplier<S3Client> clientFactory;
    private final Path scratchDir;
    private S3Client client;
    private int count;

    Fetcher(Supplier<S3Client> clientFactory, Path scratchDir) {
      this.clientFactory = clientFactory;
      this.scratchDir = scratchDir;
    }

    Path local(String setting, String location) {
      if (!isS3(location)) {
        return Path.of(location);
      }
      String rest = location.substring("s3://".length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1) {
        throw new ConfigException(setting + ": '" + location + "' is not an s3://bucket/key URI");
      }
      String bucket = rest.substring(0, slash);
      String key = rest.substring(slash + 1);
      String name = key.substring(key.lastIndexOf('/') + 1);
      try {
        if (client == null) {
          client = clientFactory.get();
        }
        Files.createDirectories(scratchDir);
        Path target = scratchDir.resolve((count++) + "-" + name);
        Files.write(target, client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        return target;
      } catch (SdkException | IOException e) {
        throw new ConfigException(setting + ": cannot fetch " + location
            + " (does the function's role have s3:GetObject on it?): " + e.getMessage(), e);
      }
    }
  }
}
