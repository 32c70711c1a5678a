package dev.rds2bq.localrun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.localstack.DemoData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The config of a local run: the built-in demo config, or the user's own file (the same YAML the
 * Lambdas read) with only what cannot hold on this machine replaced: the bucket, the source login
 * and its TLS, the secrets, and the waits and concurrency that the local servers and heap set.
 * {@link #overrides} says each replacement, for the run to print. Every other key keeps its value.
 */
record LocalConfig(PipelineConfig config, Path policyFile, List<String> overrides) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** Two tables and two ranges of each at once keep the local run's 1 GiB heap safe. */
  static final int MAX_LOCAL_CONCURRENCY = 2;
  static final int LOCAL_LOAD_TIMEOUT_MINUTES = 30;

  /** The demo's config: the local bucket, the embedded source, the warehouse dataset. */
  static LocalConfig demo(List<String> databases, long rowsPerRange) {
    return demo(PipelineConfig.Engine.MYSQL, null, databases, rowsPerRange, true);
  }

  /**
   * The demo's incremental table: {@code healthapp.step_logs}, read by {@code recorded_at} after its
   * first run, its deleted rows found by key ({@code --advance-demo} changes it between runs).
   */
  static String demoIncremental(String qualifiedStepLogs) {
    return "incremental: {tables: {" + qualifiedStepLogs + ": {cursor: recorded_at, lag: 10m, deletes: key_diff}}}\n";
  }

  /** A config of one source ({@code --jdbc-url}, or the MariaDB demo with {@code --databases}). */
  static LocalConfig demo(PipelineConfig.Engine engine, String engineDatabase, List<String> databases,
      long rowsPerRange, boolean embeddedDemo) {
    return parsed("source: {engine: " + engine.name().toLowerCase(java.util.Locale.ROOT) + ", secretId: "
        + LocalRun.SOURCE_SECRET + ", tls: disabled, allowWritable: true" + (engineDatabase == null ? "" : ", database: " + engineDatabase)
        + "}\ndatabases: [" + String.join(", ", databases) + "]\n"
        + (embeddedDemo && databases.contains(DemoData.HEALTHAPP) ? demoIncremental(DemoData.HEALTHAPP + ".step_logs") : ""),
        rowsPerRange);
  }

  /**
   * The default run's config: two sources, the MariaDB demo databases and the PostgreSQL demo
   * database's schemas, in the local bucket under their own folders.
   */
  static LocalConfig demoSources(List<String> mysqlDatabases, String postgresDatabase, List<String> schemas,
      long rowsPerRange) {
    return parsed("sources:\n"
        + "  " + LocalRun.MYSQL_SOURCE + ": {secretId: " + LocalRun.MYSQL_SECRET + ", tls: disabled, allowWritable: true,"
        + " databases: ["
        + String.join(", ", mysqlDatabases) + "]}\n"
        + "  " + LocalRun.POSTGRES_SOURCE + ": {engine: postgresql, secretId: " + LocalRun.POSTGRES_SECRET
        + ", tls: disabled, allowWritable: true, database: " + postgresDatabase + ", databases: [" + String.join(", ", schemas) + "]}\n"
        + (mysqlDatabases.contains(DemoData.HEALTHAPP)
            ? demoIncremental(LocalRun.MYSQL_SOURCE + "." + DemoData.HEALTHAPP + ".step_logs") : ""),
        rowsPerRange);
  }

  private static LocalConfig parsed(String sourcesYaml, long rowsPerRange) {
    PipelineConfig config = PipelineConfig.parse("local run", "bucket: " + LocalRun.BUCKET + "\nprefix: exports\n"
        + sourcesYaml
        + "masking: {policyFile: masking.yaml, hashKeySecretId: " + LocalRun.HASH_SECRET + "}\n"
        + "planning: {rowsPerRange: " + rowsPerRange + ", bigTableRows: " + rowsPerRange + "}\n"
        + "run: {tableConcurrency: " + MAX_LOCAL_CONCURRENCY + ", rangeConcurrency: " + MAX_LOCAL_CONCURRENCY
        + ", loadVisibilityDelaySeconds: 0, loadPollSeconds: 1, loadTimeoutMinutes: " + LOCAL_LOAD_TIMEOUT_MINUTES + "}\n"
        + "bigquery: {projectId: " + LocalRun.WAREHOUSE_PROJECT + ", location: US, dataset: " + LocalRun.WAREHOUSE_DATASET
        + ", credentialsSecretId: local/google, s3AccessKeySecretId: local/s3-reader}\n");
    return new LocalConfig(config, null, List.of());
  }

  /**
   * The user's config file, checked as a Lambda would check it, then with the local replacements.
   *
   * @param source how the local source is reached, for the override line, e.g. "the embedded MariaDB"
   * @param databases {@code --databases}, or empty to keep the file's (or, if it has none, {@code fallback})
   * @param rowsPerRange {@code --rows-per-range}, or null to keep the file's planning
   */
  static LocalConfig fromFile(Path file, String source, List<String> databases, List<String> fallback,
      Long rowsPerRange) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read the config " + file + ": " + e.getMessage(), e);
    }
    PipelineConfig original = PipelineConfig.parse(file.toString(), text); // the file's own errors name the file
    if (original.sources() != null) {
      throw new ConfigException("config " + file + " names several sources (key 'sources'); --config runs a config"
          + " with a single 'source', whose login --jdbc-url replaces. Fix: copy one source into a config of its own");
    }
    ObjectNode root;
    try {
      root = (ObjectNode) YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("config " + file + " is not valid YAML or JSON: " + e.getOriginalMessage(), e);
    }
    List<String> said = new ArrayList<>();

    root.put("bucket", LocalRun.BUCKET);
    said.add(line("bucket", original.bucket(), LocalRun.BUCKET + " (S3Proxy over <data-dir>/s3)"));

    ObjectNode src = object(root, "source");
    src.put("secretId", LocalRun.SOURCE_SECRET).put("tls", "disabled");
    src.remove("caBundle");
    said.add(line("source.secretId, source.tls", original.source().secretId() + ", "
        + original.source().tls().name().toLowerCase(), source + ", disabled"));
    if (!original.source().allowWritable()) {
      src.put("allowWritable", true);
      said.add(line("source.allowWritable", "false", "true: a local run reads the server it is given, writable or not"));
    }

    ObjectNode masking = object(root, "masking");
    Path configDir = file.toAbsolutePath().getParent();
    String policy = original.masking().policyFile();
    if (policy.startsWith("s3://")) {
      throw new ConfigException("config " + file + ": masking.policyFile is the S3 URI " + policy
          + ", which the local run does not fetch. Fix: pass the policy with --policy FILE");
    }
    Path policyFile = configDir.resolve(policy);
    masking.put("policyFile", policyFile.toString());
    if (original.masking().hashKeySecretId() != null) {
      masking.put("hashKeySecretId", LocalRun.HASH_SECRET);
      said.add(line("masking.hashKeySecretId", original.masking().hashKeySecretId(),
          "RDS2BQ_HASH_KEY, or the demo key when unset"));
    }
    if (original.masking().boundsKeyId() != null) {
      masking.remove("boundsKeyId");
      said.add(line("masking.boundsKeyId", original.masking().boundsKeyId(),
          "none: no KMS here, so a table whose key column is masked is exported in one piece"));
    }

    if (!databases.isEmpty() || original.databases().isEmpty()) {
      List<String> chosen = databases.isEmpty() ? fallback : databases;
      root.set("databases", YAML.valueToTree(chosen));
      said.add(line("databases", original.databases().toString(), chosen + (databases.isEmpty() ? "" : " (--databases)")));
    }
    if (rowsPerRange != null) {
      ObjectNode planning = object(root, "planning");
      planning.put("rowsPerRange", rowsPerRange).put("bigTableRows", rowsPerRange);
      said.add(line("planning.rowsPerRange, bigTableRows", original.planning().rowsPerRange() + ", "
          + original.planning().bigTableRows(), rowsPerRange + " (--rows-per-range)"));
    }

    ObjectNode run = object(root, "run");
    PipelineConfig.RunConfig r = original.run();
    if (r.tableConcurrency() > MAX_LOCAL_CONCURRENCY || r.rangeConcurrency() > MAX_LOCAL_CONCURRENCY) {
      run.put("tableConcurrency", Math.min(r.tableConcurrency(), MAX_LOCAL_CONCURRENCY))
          .put("rangeConcurrency", Math.min(r.rangeConcurrency(), MAX_LOCAL_CONCURRENCY));
      said.add(line("run.tableConcurrency, rangeConcurrency", r.tableConcurrency() + ", " + r.rangeConcurrency(),
          Math.min(r.tableConcurrency(), MAX_LOCAL_CONCURRENCY) + ", " + Math.min(r.rangeConcurrency(),
              MAX_LOCAL_CONCURRENCY) + " (the local run's 1 GiB heap)"));
    }
    // The stand-ins see new files at once and load in seconds. A 1 s poll over the file's (up to 24 h)
    // timeout would exceed the execution's 25,000 history events, so the timeout shrinks with it.
    run.put("loadVisibilityDelaySeconds", 0).put("loadPollSeconds", 1).put("loadTimeoutMinutes", LOCAL_LOAD_TIMEOUT_MINUTES);
    said.add(line("run.loadVisibilityDelaySeconds, loadPollSeconds, loadTimeoutMinutes", r.loadVisibilityDelaySeconds()
        + ", " + r.loadPollSeconds() + ", " + r.loadTimeoutMinutes(), "0, 1, " + LOCAL_LOAD_TIMEOUT_MINUTES
        + " (the local stand-ins see new files at once and load in seconds)"));

    if (original.bigquery() != null) {
      ObjectNode bq = object(root, "bigquery");
      bq.put("credentialsSecretId", "local/google").put("s3AccessKeySecretId", "local/s3-reader");
      said.add(line("bigquery.credentialsSecretId, s3AccessKeySecretId", original.bigquery().credentialsSecretId()
          + ", " + original.bigquery().s3AccessKeySecretId(), "none needed: project " + original.bigquery().projectId()
          + " is the local warehouse (<data-dir>/warehouse.duckdb) behind the Data Transfer and BigQuery stand-ins"));
      PipelineConfig.GoogleEndpoints endpoints = original.bigquery().endpoints();
      if (endpoints != null) {
        bq.remove("endpoints");
        said.add(line("bigquery.endpoints", endpoints.dataTransfer() + ", " + endpoints.bigQuery(),
            "none: the local Data Transfer and BigQuery stand-ins"));
      }
    }
    String merged;
    try {
      merged = YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    PipelineConfig config = PipelineConfig.parse(file + " (with the local overrides)", merged);
    return new LocalConfig(config, policyFile, List.copyOf(said));
  }

  private static ObjectNode object(ObjectNode root, String key) {
    JsonNode node = root.get(key);
    return node instanceof ObjectNode o ? o : root.putObject(key);
  }

  private static String line(String key, String was, String now) {
    return String.format("  %-66s %s -> %s", key, was, now);
  }
}
