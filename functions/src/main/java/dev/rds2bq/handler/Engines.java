package dev.rds2bq.handler;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.HashKey;
import dev.rds2bq.contract.BoundSeal;
import dev.rds2bq.mask.KmsBoundSeal;
import software.amazon.awssdk.services.kms.KmsClient;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.SourceConfig;
import dev.rds2bq.config.SecretSource;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.contract.StoredPlans;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.plan.RunGuard;
import dev.rds2bq.plan.RunPlanner;
import dev.rds2bq.publish.TablePublisher;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.Sources;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.source.postgres.PostgresSource;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The functions' composition root: the plan, export and publish engines, built from the config, a
 * secret source and the bucket. The Lambda handlers (through {@link LambdaEnvironment}), the local
 * run and the tests all build them here, so the source's login is read from its secret in one
 * place, once, at the first engine that needs it.
 */
public final class Engines {
  private final PipelineConfig config;
  private final SecretSource secrets;
  private final ObjectStore store;
  private final Map<String, Source> built = new HashMap<>();
  private BoundSeal boundSeal;

  public Engines(PipelineConfig config, SecretSource secrets, ObjectStore store) {
    this.config = config;
    this.secrets = secrets;
    this.store = store;
  }

  /**
   * The same engines sealing masked key bounds with this seal instead of the KMS key the config
   * names (a test's KMS stand-in, for one).
   */
  public Engines withBoundSeal(BoundSeal seal) {
    Engines e = new Engines(config, secrets, store);
    e.boundSeal = seal;
    return e;
  }

  /**
   * The seal of masked key bounds: config key masking.boundsKeyId's KMS key; null without it. Its
   * KMS client is built at the first seal or open, not at a function's start.
   */
  private synchronized BoundSeal boundSeal() {
    if (boundSeal == null && config.masking().boundsKeyId() != null) {
      boundSeal = new KmsBoundSeal(new OnFirstUse<>(() -> KmsClient.builder()
          .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()),
          config.masking().boundsKeyId());
    }
    return boundSeal;
  }

  /** The masking policy the config names, resolved next to the config file when relative. */
  public static MaskingPolicy readPolicy(PipelineConfig config, Path configDir) {
    Path policy = configDir.resolve(config.masking().policyFile());
    try {
      return MaskingPolicy.parse(policy.toString(), Files.readString(policy, StandardCharsets.UTF_8))
          .withRequireDecisions(config.masking().requireDecisions());
    } catch (IOException e) {
      throw new ConfigException("config key 'masking.policyFile': cannot read " + policy + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  public PipelineConfig config() {
    return config;
  }

  /** The config's single source, or its first named one. */
  public Source source() {
    return source(config.sourceList().get(0).name());
  }

  /**
   * The source a request names (null: the config's single {@code source}), its login read from its
   * secret at the first call for it; a name the config lacks is refused naming the valid ones.
   */
  public synchronized Source source(String name) {
    Source s = built.get(name);
    if (s == null) {
      s = source(config.namedSource(name).config(), secrets);
      built.put(name, s);
    }
    return s;
  }

  /** Every source of the config, by the name requests carry, each built at its first use. */
  public Sources sources() {
    return this::source;
  }

  /**
   * A source from its config alone, its login read now (e.g. to draft a policy without a run). The
   * one place that names the engines: MySQL and PostgreSQL.
   */
  public static Source source(SourceConfig config, SecretSource secrets) {
    String id = config.secretId();
    DatabaseSecret login = DatabaseSecret.parse(id, secrets.secretString(id), config.defaultPort());
    return switch (config.engine()) {
      case MYSQL -> new MySqlSource(login, config);
      case POSTGRESQL -> new PostgresSource(login, config);
    };
  }

  /** @param guard the one-run-at-a-time check; null where there is no state machine (the local run) */
  public RunPlanner planner(MaskingPolicy policy, Clock clock, RunGuard guard) {
    return new RunPlanner(config, sources(), policy, store, clock, guard).pinningHashKey(hashKeys())
        .sealingBounds(boundSeal());
  }

  /** The hash key by secret version, each read at first use: PlanRun pins one, ExportTable reads it. */
  private HashKey.Versions hashKeys() {
    return HashKey.versions(secrets, config.masking().hashKeySecretId());
  }

  /** The export engine; the hash key is read from its secret at the first table that hashes. */
  public TableExporter exporter(MaskingPolicy policy, ExportListener listener) {
    if (config.sources() == null) {
      source(null); // a single source's login is read, and checked, as the exporter is built
    }
    return new TableExporter(config, sources(), policy, hashKeys(), store, listener);
  }

  /** The publisher; it reads the source only with {@code publish.verifySourceCount}. */
  public TablePublisher publisher(Clock clock) {
    return new TablePublisher(store, config.prefix(), clock, config.publish().verifySourceCount() ? sources() : null);
  }

  /** Plans that PlanRun kept in S3, for ExportTable. */
  public StoredPlans plans() {
    return new StoredPlans(store, BucketLayout.of(config), boundSeal());
  }

  /** Where ExportTable keeps its full results and PublishTable reads them. */
  public ExportResultStore results() {
    return new ExportResultStore(store, BucketLayout.of(config));
  }
}
