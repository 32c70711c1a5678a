package dev.rds2bq.cdk.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.ConfigException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the engine config (docs/configuration.md) that the functions read at init from the deploy
 * config. It is a file at synth, so it holds no CloudFormation tokens: only names the user gave
 * (bucket, secret ARNs) and names the stack fixes (the DTS reader's secret). The policy and the CA
 * bundle are named by file name only; at run time {@code RDS2BQ_MASKING_POLICY} and
 * {@code RDS2BQ_CA_BUNDLE} point at their S3 assets instead.
 */
final class EngineConfig {
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  private EngineConfig() {}

  /** One source of the engine config; {@code named}: an entry of {@code sources}, with its engine and databases. */
  private static Map<String, Object> source(DeployConfig c, DeployConfig.Source s, Path caBundle, boolean named) {
    Map<String, Object> source = new LinkedHashMap<>();
    if (named) {
      source.put("engine", s.engineOrDefault());
    }
    source.put("secretId", s.secretArn());
    source.put("tls", "verify");
    source.put("caBundle", caBundle.getFileName().toString());
    if (named && s.database() != null) {
      source.put("database", s.database());
    }
    if (c.engine().get("source") instanceof Map<?, ?> extra) {
      extra.forEach((k, v) -> source.put(String.valueOf(k), v));
    }
    if (named) {
      source.put("databases", s.databases());
    }
    return source;
  }

  /**
   * The engine config's text. Deterministic (insertion-ordered maps only): its hash names the asset,
   * and a new hash means new function versions and SnapStart snapshots on the next deploy.
   */
  static String render(Path deployFile, DeployConfig c, Path policyFile, Path caBundle) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("bucket", c.bucket().name());
    root.put("prefix", c.bucket().prefix());

    if (c.sources() == null) {
      root.put("source", source(c, c.source(), caBundle, false));
    } else {
      Map<String, Object> sources = new LinkedHashMap<>();
      c.sources().forEach((name, s) -> sources.put(name, source(c, s, caBundle, true)));
      root.put("sources", sources);
    }

    Map<String, Object> masking = new LinkedHashMap<>();
    masking.put("policyFile", policyFile.getFileName().toString());
    if (c.masking().hashKeySecretArn() != null) {
      masking.put("hashKeySecretId", c.masking().hashKeySecretArn());
    }
    // The stack's key for sealed bounds, by alias: the engine config is written before the key exists.
    masking.put("boundsKeyId", Deployment.boundsKeyAlias(c.stackName()));
    if (c.masking().requireDecisions() != null) {
      masking.put("requireDecisions", c.masking().requireDecisions().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (c.masking().valueScan() != null) {
      masking.put("valueScan", c.masking().valueScan());
    }
    root.put("masking", masking);

    if (c.sources() == null) {
      root.put("databases", c.source().databases());
    }
    Map<String, Object> tables = new LinkedHashMap<>();
    tables.put("include", c.tables().include());
    tables.put("exclude", c.tables().exclude());
    root.put("tables", tables);
    root.put("runDateZone", c.engine().getOrDefault("runDateZone", c.schedule().timeZone()));
    for (String key : List.of("parquet", "zeroDates", "planning", "publish", "maxBackfillDays", "columnNames")) {
      if (c.engine().containsKey(key)) {
        root.put(key, c.engine().get(key));
      }
    }

    Map<String, Object> run = new LinkedHashMap<>();
    putIfSet(run, "maxSourceConnections", c.run().maxSourceConnections());
    putIfSet(run, "tableConcurrency", c.run().tableConcurrency());
    putIfSet(run, "rangeConcurrency", c.run().rangeConcurrency());
    putIfSet(run, "loadVisibilityDelaySeconds", c.run().loadVisibilityDelaySeconds());
    putIfSet(run, "loadPollSeconds", c.run().loadPollSeconds());
    putIfSet(run, "loadTimeoutMinutes", c.run().loadTimeoutMinutes());
    root.put("run", run);

    DeployConfig.BigQuery bq = c.bigquery();
    Map<String, Object> bigquery = new LinkedHashMap<>();
    bigquery.put("projectId", bq.projectId());
    bigquery.put("location", bq.location());
    bigquery.put("dataset", bq.dataset());
    putIfSet(bigquery, "tableName", bq.tableName());
    bigquery.put("credentialsSecretId", bq.credentialsSecretArn());
    bigquery.put("s3AccessKeySecretId", Deployment.dtsReaderSecretName(c.stackName()));
    putIfSet(bigquery, "writeDisposition", bq.writeDisposition());
    putIfSet(bigquery, "schemaChanges", bq.schemaChanges());
    putIfSet(bigquery, "decimalTargetTypes", bq.decimalTargetTypes());
    putIfSet(bigquery, "requestTimeoutSeconds", bq.requestTimeoutSeconds());
    putIfSet(bigquery, "maxAttempts", bq.maxAttempts());
    root.put("bigquery", bigquery);

    try {
      return "# Generated at synth by infra-cdk from " + deployFile.getFileName() + "; edit that file, not this one.\n"
          + "# masking.policyFile and source.caBundle name the files only: the functions get their S3 assets\n"
          + "# from RDS2BQ_MASKING_POLICY and RDS2BQ_CA_BUNDLE.\n"
          + YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** Parses the generated config with the engine's own parser, so a bad value fails the synth, not a run. */
  static PipelineConfig check(Path deployFile, String yaml) {
    try {
      return PipelineConfig.parse(deployFile.getFileName() + " (generated engine config)", yaml);
    } catch (ConfigException e) {
      throw new DeployConfigException(deployFile.toString(), List.of(e.getMessage()
          + ". Fix: the key named keeps its name in the deploy config (under masking:, tables:, run:, bigquery: or"
          + " engine:);"
          + " see docs/configuration.md for its rule"));
    }
  }
}
