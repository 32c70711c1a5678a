package dev.rds2bq.export;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.HashKey;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.SecretSource;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.source.SourceConnector;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a {@link TableExporter} from config: the one wiring shared by the Lambda and the local run. */
public final class ExportEngines {
  private ExportEngines() {}

  /** Reads and validates the config file; the policy file is resolved next to it when relative. */
  public static PipelineConfig readConfig(Path file) {
    return PipelineConfig.parse(file.toString(), read(file, "config"));
  }

  public static MaskingPolicy readPolicy(PipelineConfig config, Path configDir) {
    Path policy = configDir.resolve(config.masking().policyFile());
    return MaskingPolicy.parse(policy.toString(), read(policy, "config key 'masking.policyFile'"));
  }

  public static TableExporter create(PipelineConfig config, MaskingPolicy policy, SecretSource secrets,
      ObjectStore store, ExportListener listener) {
    String secretId = config.source().secretId();
    DatabaseSecret login = DatabaseSecret.parse(secretId, secrets.secretString(secretId));
    SourceConnector connector = new SourceConnector(login, config.source());
    return new TableExporter(config, connector, policy, HashKey.lazy(secrets, config.masking().hashKeySecretId()),
        store, listener);
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(what + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
