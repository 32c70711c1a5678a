package dev.rds2bq.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.naming.ColumnNames;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The run's configuration (docs/configuration.md), read from YAML or JSON and validated once: every
 * error names the key, the rule and the value. Sizes are in MiB or KiB as their names say.
 */
public record PipelineConfig(
    String bucket,
    String prefix,
    SourceConfig source,
    Map<String, SourceConfig> sources,
    MaskingConfig masking,
    ParquetConfig parquet,
    ZeroDatePolicy zeroDates,
    List<String> databases,
    TableFilter tables,
    PlanningConfig planning,
    String runDateZone,
    Integer maxBackfillDays,
    PublishConfig publish,
    RunConfig run,
    BigQueryConfig bigquery,
    ColumnNamesConfig columnNames,
    IncrementalConfig incremental) {

  /** A config without incremental tables: every table is a full snapshot. */
  public PipelineConfig(String bucket, String prefix, SourceConfig source, Map<String, SourceConfig> sources,
      MaskingConfig masking, ParquetConfig parquet, ZeroDatePolicy zeroDates, List<String> databases,
      TableFilter tables, PlanningConfig planning, String runDateZone, Integer maxBackfillDays, PublishConfig publish,
      RunConfig run, BigQueryConfig bigquery, ColumnNamesConfig columnNames) {
    this(bucket, prefix, source, sources, masking, parquet, zeroDates, databases, tables, planning, runDateZone,
        maxBackfillDays, publish, run, bigquery, columnNames, null);
  }

  /**
   * Tables read by cursor windows instead of in full (docs/configuration.md#incremental): each run
   * publishes the rows changed since the table's last mark as a change set, and every
   * {@code fullEveryDays} days (and on the first run) a full snapshot that re-bases them.
   *
   * @param tables {@code database.table} (or {@code source.database.table}) to its cursor and lag
   */
  public record IncrementalConfig(Integer fullEveryDays, Map<String, IncrementalTable> tables) {
    public static final int DEFAULT_FULL_EVERY_DAYS = 7;

    public IncrementalConfig {
      fullEveryDays = fullEveryDays == null ? DEFAULT_FULL_EVERY_DAYS : fullEveryDays;
      tables = tables == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tables));
    }

    /** The table's settings, by {@code source.database.table} or {@code database.table}; null when it is a snapshot table. */
    public IncrementalTable of(String source, String database, String table) {
      IncrementalTable t = source == null ? null : tables.get(source + "." + database + "." + table);
      return t != null ? t : tables.get(database + "." + table);
    }
  }

  /**
   * @param mode {@code incremental} (inserts and updates, by a cursor; the table needs a primary key)
   *     or {@code append_only} (an insert-only log: the cursor is an increasing integer, by default
   *     the table's single integer primary key, and no primary key is needed)
   * @param cursor a NOT NULL integer, DATETIME or TIMESTAMP column that grows on every insert and update
   * @param lag how far below the last mark the next window starts, for commits that land late: a
   *     duration ({@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}) for a time cursor, a number for an
   *     integer one; {@code 0} by default
   * @param deletes how rows deleted in the source leave BigQuery: {@code none} (the default: they stay),
   *     {@code {soft: column}}, a deleted flag or deleted-at column of the table, or {@code key_diff}
   */
  public record IncrementalTable(IncrementalMode mode, String cursor, String lag, Deletes deletes) {
    public IncrementalTable {
      mode = mode == null ? IncrementalMode.INCREMENTAL : mode;
      lag = lag == null ? "0" : lag.trim();
      deletes = deletes == null ? Deletes.NONE : deletes;
    }

    public IncrementalTable(IncrementalMode mode, String cursor, String lag) {
      this(mode, cursor, lag, null);
    }
  }

  /**
   * {@code deletes: none}, {@code deletes: {soft: column}} or {@code deletes: key_diff}. With a
   * soft-delete column (a flag that is true or non-zero, or a deleted-at time that is set), the merge
   * deletes the row from BigQuery and a full snapshot's load leaves such rows out, so BigQuery holds
   * the table's live rows. With {@code key_diff}, each change set also carries the primary keys of
   * every row in the export's snapshot, and BigQuery deletes the rows whose key is not among them.
   */
  public record Deletes(String soft, boolean keyDiff) {
    public static final Deletes NONE = new Deletes(null, false);
    public static final Deletes KEY_DIFF = new Deletes(null, true);

    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    static Deletes from(com.fasterxml.jackson.databind.JsonNode node) {
      if (node == null || node.isNull() || (node.isTextual() && node.asText().equals("none"))) {
        return NONE;
      }
      if (node.isTextual() && node.asText().equals("key_diff")) {
        return KEY_DIFF;
      }
      if (node.isObject() && node.size() == 1 && node.path("soft").isTextual() && !node.path("soft").asText().isBlank()) {
        return new Deletes(node.path("soft").asText().trim(), false);
      }
      throw new IllegalArgumentException("expected none, key_diff, or {soft: <column>} (a deleted flag or deleted-at"
          + " column); got " + node);
    }

    @com.fasterxml.jackson.annotation.JsonValue
    Object json() {
      return keyDiff ? "key_diff" : soft == null ? "none" : Map.of("soft", soft);
    }
  }

  public enum IncrementalMode { INCREMENTAL, APPEND_ONLY }

  public enum TlsMode { VERIFY, DISABLED }

  /** A bare YAML {@code null} would read as "not set", so the NULL policy is spelled {@code as_null}. */
  public enum ZeroDatePolicy { ERROR, AS_NULL }

  public enum Compression { SNAPPY, ZSTD, UNCOMPRESSED }

  /** The database engine of a source (docs/sources.md). */
  public enum Engine { MYSQL, POSTGRESQL }

  /**
   * @param engine {@code mysql} (the default; MariaDB too) or {@code postgresql}
   * @param secretId Secrets Manager id of the RDS-format login of the read replica
   * @param tls VERIFY (certificate and host name) or DISABLED (local servers only)
   * @param caBundle path of the RDS CA bundle PEM, required with VERIFY
   * @param database PostgreSQL only: the database to connect to; its schemas are what the rest of
   *     rds2bq calls databases. Absent: the secret's {@code dbname}
   * @param databases under {@code sources} only: the source's databases (schemas for PostgreSQL);
   *     a single {@code source} takes the top-level {@code databases}
   * @param tables under {@code sources} only: the source's include/exclude rules; absent, the
   *     top-level {@code tables}
   * @param maxReplicaLagSeconds the replica lag over which an export does not start and waits for the
   *     state machine's retry instead (docs/sources.md#replica-lag)
   */
  public record SourceConfig(Engine engine, String secretId, TlsMode tls, String caBundle,
      Integer connectTimeoutSeconds, Integer socketTimeoutSeconds, String database, List<String> databases,
      TableFilter tables, boolean allowWritable, Integer maxReplicaLagSeconds) {
    public static final int DEFAULT_MAX_REPLICA_LAG_SECONDS = 300;

    public SourceConfig {
      engine = engine == null ? Engine.MYSQL : engine;
      maxReplicaLagSeconds = maxReplicaLagSeconds == null ? DEFAULT_MAX_REPLICA_LAG_SECONDS : maxReplicaLagSeconds;
      tls = tls == null ? TlsMode.VERIFY : tls;
      connectTimeoutSeconds = connectTimeoutSeconds == null ? 10 : connectTimeoutSeconds;
      socketTimeoutSeconds = socketTimeoutSeconds == null ? 600 : socketTimeoutSeconds;
      databases = databases == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(databases));
    }

    /** A source that must be read-only (a read replica), as every config's unless it says otherwise. */
    public SourceConfig(Engine engine, String secretId, TlsMode tls, String caBundle, Integer connectTimeoutSeconds,
        Integer socketTimeoutSeconds, String database, List<String> databases, TableFilter tables) {
      this(engine, secretId, tls, caBundle, connectTimeoutSeconds, socketTimeoutSeconds, database, databases, tables,
          false, null);
    }

    /** A source of one engine, its databases given by the config around it. */
    public SourceConfig(Engine engine, String secretId, TlsMode tls, String caBundle, Integer connectTimeoutSeconds,
        Integer socketTimeoutSeconds, String database) {
      this(engine, secretId, tls, caBundle, connectTimeoutSeconds, socketTimeoutSeconds, database, null, null);
    }

    /** A MySQL source. */
    public SourceConfig(String secretId, TlsMode tls, String caBundle, Integer connectTimeoutSeconds,
        Integer socketTimeoutSeconds) {
      this(Engine.MYSQL, secretId, tls, caBundle, connectTimeoutSeconds, socketTimeoutSeconds, null);
    }

    /** The same settings with the CA bundle at another path (a local copy of an S3 object). */
    public SourceConfig withCaBundle(String path) {
      return new SourceConfig(engine, secretId, tls, path, connectTimeoutSeconds, socketTimeoutSeconds, database,
          databases, tables, allowWritable, maxReplicaLagSeconds);
    }

    /** The engine's port when the secret has none. */
    public int defaultPort() {
      return engine == Engine.POSTGRESQL ? 5432 : 3306;
    }
  }

  /**
   * One source of the run as the stages see it, whichever form the config used: a named entry of
   * {@code sources}, or the single {@code source} (name null), which keeps the bucket layout and
   * table names of a one-source deployment.
   *
   * @param name the source's name: the bucket folder and table-name segment that keeps its tables
   *     apart from another source's; null for the single {@code source}
   */
  public record NamedSource(String name, SourceConfig config, List<String> databases, TableFilter tables) {
    /** The config key of this source, for messages: {@code source} or {@code sources.<name>}. */
    public String key() {
      return name == null ? "source" : "sources." + name;
    }

    /** {@code database}, or {@code name.database} for a named source: how messages name a database. */
    public String qualify(String database) {
      return name == null ? database : name + "." + database;
    }
  }

  /** The sources of the run in config order: the named ones, or the single {@code source}. */
  public List<NamedSource> sourceList() {
    if (sources == null) {
      return List.of(new NamedSource(null, source, databases, tables));
    }
    List<NamedSource> list = new java.util.ArrayList<>();
    sources.forEach((name, c) -> list.add(new NamedSource(name, c, c.databases() == null ? List.of() : c.databases(),
        c.tables() == null ? tables : c.tables())));
    return list;
  }

  /**
   * The source a request names: null for the single {@code source}, a name of {@code sources}
   * otherwise. A request that names the wrong kind, or a name the config lacks, is refused naming
   * the valid ones.
   */
  public NamedSource namedSource(String name) {
    for (NamedSource s : sourceList()) {
      if (java.util.Objects.equals(s.name(), name)) {
        return s;
      }
    }
    List<String> valid = sourceList().stream().map(NamedSource::name).toList();
    throw new dev.rds2bq.error.InvalidInputException(sources == null
        ? "source '" + name + "' is named, but the config has a single source (key 'source'): leave 'source' out"
        : "source " + (name == null ? "is not named" : "'" + name + "' is not in the config") + "; the config's"
            + " sources are " + valid);
  }

  /** A source name: letters and digits only, so that {@code <source>_} can never end inside a name. */
  public static final String SOURCE_NAME_PATTERN = "[a-z][a-z0-9]{0,29}";

  /** {@code personal}: columns that look personal need a decision; {@code all}: every table and column does. */
  public enum RequireDecisions { PERSONAL, ALL }

  /**
   * @param policyFile path of the masking policy (YAML or JSON)
   * @param hashKeySecretId Secrets Manager id of the HMAC key used by {@code hash}
   * @param requireDecisions which columns the policy must decide
   * @param valueScan the plan-time scan of sampled values (docs/masking.md#value-scan)
   * @param boundsKeyId the KMS key that seals the key-range bounds of a table whose primary-key column
   *     is masked (docs/data-contract.md#sealed-bounds); without it such a table is never split
   */
  public record MaskingConfig(String policyFile, String hashKeySecretId, RequireDecisions requireDecisions,
      ValueScanConfig valueScan, String boundsKeyId) {
    public MaskingConfig {
      requireDecisions = requireDecisions == null ? RequireDecisions.PERSONAL : requireDecisions;
      valueScan = valueScan == null ? ValueScanConfig.defaults() : valueScan;
    }

    public MaskingConfig(String policyFile, String hashKeySecretId) {
      this(policyFile, hashKeySecretId, null, null, null);
    }

    /** The same settings with another policy file. */
    public MaskingConfig withPolicyFile(String file) {
      return new MaskingConfig(file, hashKeySecretId, requireDecisions, valueScan, boundsKeyId);
    }
  }

  /**
   * @param enabled scan sampled values of the columns kept without a decision at plan time
   * @param sampleRows rows read per table at most: half the lowest primary keys, half the highest
   * @param tableSeconds time budget of one table's scan; the scan judges what it read by then
   * @param minHitRate share of a column's sampled non-empty values that must hold one kind of
   *     personal value for the column to need a decision
   * @param maxValueChars characters of each value that are read and scanned
   */
  public record ValueScanConfig(Boolean enabled, Integer sampleRows, Integer tableSeconds, Double minHitRate,
      Integer maxValueChars) {
    public ValueScanConfig {
      enabled = enabled == null || enabled;
      sampleRows = sampleRows == null ? 1000 : sampleRows;
      tableSeconds = tableSeconds == null ? 5 : tableSeconds;
      minHitRate = minHitRate == null ? 0.005 : minHitRate;
      maxValueChars = maxValueChars == null ? 4096 : maxValueChars;
    }

    public static ValueScanConfig defaults() {
      return new ValueScanConfig(null, null, null, null, null);
    }
  }

  public record ParquetConfig(Compression compression, Integer targetFileMiB, Integer rowGroupMiB, Integer pageKiB,
      Integer uploadPartMiB) {
    public ParquetConfig {
      compression = compression == null ? Compression.SNAPPY : compression;
      targetFileMiB = targetFileMiB == null ? 128 : targetFileMiB;
      rowGroupMiB = rowGroupMiB == null ? 32 : rowGroupMiB;
      pageKiB = pageKiB == null ? 1024 : pageKiB;
      uploadPartMiB = uploadPartMiB == null ? 8 : uploadPartMiB;
    }

    public static ParquetConfig defaults() {
      return new ParquetConfig(null, null, null, null, null);
    }
  }

  /** Which tables a run exports: glob patterns over {@code table} or {@code database.table}. */
  public record TableFilter(List<String> include, List<String> exclude) {
    public TableFilter {
      include = include == null || include.isEmpty() ? List.of("*") : List.copyOf(include);
      exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    /** Whether {@code include} selects the table and {@code exclude} does not. */
    public boolean selects(String database, String table) {
      String qualified = database + "." + table;
      return matches(include, table, qualified) && !matches(exclude, table, qualified);
    }

    private static boolean matches(List<String> globs, String table, String qualified) {
      for (String g : globs) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(
            ("\\Q" + g + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
        if (p.matcher(table).matches() || p.matcher(qualified).matches()) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * @param rowsPerRange rows one export Lambda reads (aim at a few minutes)
   * @param bigTableRows a table estimated above this many rows is split into ranges
   * @param bigTableMiB ... or above this many MiB of data
   * @param maxPlanKiB plans larger than this go to S3 and travel as a reference
   */
  public record PlanningConfig(Long rowsPerRange, Long bigTableRows, Long bigTableMiB, Integer maxPlanKiB) {
    public PlanningConfig {
      rowsPerRange = rowsPerRange == null ? 2_000_000L : rowsPerRange;
      bigTableRows = bigTableRows == null ? 4_000_000L : bigTableRows;
      bigTableMiB = bigTableMiB == null ? 2_048L : bigTableMiB;
      maxPlanKiB = maxPlanKiB == null ? 200 : maxPlanKiB;
    }

    public static PlanningConfig defaults() {
      return new PlanningConfig(null, null, null, null);
    }
  }

  /**
   * @param verifySourceCount count each range's rows in the source at publish time; off by default,
   *     since a replica that keeps changing gives other counts than the export's snapshot
   */
  public record PublishConfig(Boolean verifySourceCount) {
    public PublishConfig {
      verifySourceCount = verifySourceCount != null && verifySourceCount;
    }
  }

  /**
   * Settings the state machine reads from PlanRun's output ({@code settings}), so that one file
   * drives the handlers and the ASL.
   *
   * @param maxSourceConnections exports (each one connection to the source) at once, across tables
   *     and ranges: the product of the two concurrencies may not exceed it. Unset concurrencies are
   *     derived from it: {@code tableConcurrency} min(4, cap), {@code rangeConcurrency} cap / that.
   * @param tableConcurrency tables exported at once (the outer Map's MaxConcurrency)
   * @param rangeConcurrency ranges of one table exported at once (the inner Map's MaxConcurrency)
   * @param loadVisibilityDelaySeconds wait between publishing and starting the DTS runs, so that
   *     Amazon S3 lists the new files to DTS
   * @param loadPollSeconds wait between two CheckLoads calls
   * @param loadTimeoutMinutes give up on loads still running after this long
   */
  public record RunConfig(Integer tableConcurrency, Integer rangeConcurrency, Integer loadVisibilityDelaySeconds,
      Integer loadPollSeconds, Integer loadTimeoutMinutes,
      // Read from the config, not written into the plan's settings: the state machine does not need it
      // and every byte of the plan counts against the payload.
      @com.fasterxml.jackson.annotation.JsonProperty(access = com.fasterxml.jackson.annotation.JsonProperty.Access.WRITE_ONLY)
      Integer maxSourceConnections) {
    public static final int DEFAULT_MAX_SOURCE_CONNECTIONS = 4;

    public RunConfig {
      maxSourceConnections = maxSourceConnections == null ? DEFAULT_MAX_SOURCE_CONNECTIONS : maxSourceConnections;
      int cap = Math.max(1, maxSourceConnections);
      tableConcurrency = tableConcurrency == null ? Math.min(4, cap) : tableConcurrency;
      rangeConcurrency = rangeConcurrency == null ? Math.max(1, cap / Math.max(1, tableConcurrency)) : rangeConcurrency;
      loadVisibilityDelaySeconds = loadVisibilityDelaySeconds == null ? 300 : loadVisibilityDelaySeconds;
      loadPollSeconds = loadPollSeconds == null ? 60 : loadPollSeconds;
      loadTimeoutMinutes = loadTimeoutMinutes == null ? 180 : loadTimeoutMinutes;
    }

    public RunConfig(Integer tableConcurrency, Integer rangeConcurrency, Integer loadVisibilityDelaySeconds,
        Integer loadPollSeconds, Integer loadTimeoutMinutes) {
      this(tableConcurrency, rangeConcurrency, loadVisibilityDelaySeconds, loadPollSeconds, loadTimeoutMinutes, null);
    }

    public static RunConfig defaults() {
      return new RunConfig(null, null, null, null, null, null);
    }
  }

  public enum WriteDisposition { WRITE_TRUNCATE, WRITE_APPEND }

  /** What StartLoads does when the destination table's schema differs from the snapshot's. */
  public enum SchemaChanges { ADD_COLUMNS, FAIL }

  /** {@code daily}: each run's snapshot also lands in a day partition of {@code <table>__history}. */
  public enum History { NONE, DAILY }

  /** The unit of a table's time partitions (BigQuery's time-unit column partitioning). */
  public enum Granularity { HOUR, DAY, MONTH, YEAR }

  /**
   * @param column a DATE, DATETIME or TIMESTAMP output column
   * @param granularity DAY when not set
   */
  public record PartitionBy(String column, Granularity granularity) {
    public PartitionBy {
      granularity = granularity == null ? Granularity.DAY : granularity;
    }
  }

  /**
   * How one destination table is laid out when StartLoads creates it.
   *
   * @param partitionBy time-unit column partitioning, or none
   * @param clusterBy up to 4 columns; when not set the table's primary key (its first 4 columns)
   */
  public record TableLayout(PartitionBy partitionBy, List<String> clusterBy) {}

  /**
   * The BigQuery side (docs/loading.md). Needed by StartLoads and CheckLoads only; absent means a run
   * cannot load.
   *
   * @param projectId the Google Cloud project that owns the dataset and the transfer configs
   * @param location the dataset's location, e.g. US, EU, asia-northeast1
   * @param dataset destination dataset, created when missing
   * @param tableName destination table name template over {database} and {table}
   * @param credentialsSecretId Secrets Manager id of the Google credentials: a service-account key
   *     or a Workload Identity Federation ({@code external_account}) config
   * @param s3AccessKeySecretId Secrets Manager id of the access key DTS reads the bucket with
   * @param decimalTargetTypes DTS {@code decimal_target_types}, in order of preference
   * @param endpoints other addresses for Google's two APIs (Private Service Connect, a stand-in); null
   *     for Google's own
   */
  public record BigQueryConfig(String projectId, String location, String dataset, String tableName,
      String credentialsSecretId, String s3AccessKeySecretId, WriteDisposition writeDisposition,
      SchemaChanges schemaChanges, List<String> decimalTargetTypes, Integer requestTimeoutSeconds,
      Integer maxAttempts, GoogleEndpoints endpoints, Integer queryTimeoutSeconds, Boolean checkReceipts,
      History history, Map<String, TableLayout> tables) {
    public BigQueryConfig {
      history = history == null ? History.NONE : history;
      tables = tables == null ? Map.of() : tables;
      location = location == null ? "US" : location;
      writeDisposition = writeDisposition == null ? WriteDisposition.WRITE_TRUNCATE : writeDisposition;
      schemaChanges = schemaChanges == null ? SchemaChanges.ADD_COLUMNS : schemaChanges;
      decimalTargetTypes = decimalTargetTypes == null || decimalTargetTypes.isEmpty()
          ? List.of("NUMERIC", "BIGNUMERIC") : List.copyOf(decimalTargetTypes);
      // 4 attempts of at most 30 s with backoff up to 16 s: a call gives up within about 3 minutes.
      requestTimeoutSeconds = requestTimeoutSeconds == null ? 30 : requestTimeoutSeconds;
      maxAttempts = maxAttempts == null ? 4 : maxAttempts;
      queryTimeoutSeconds = queryTimeoutSeconds == null ? 600 : queryTimeoutSeconds;
      checkReceipts = checkReceipts == null ? Boolean.TRUE : checkReceipts;
    }

    /** The settings before query jobs, each later one at its default. */
    public BigQueryConfig(String projectId, String location, String dataset, String tableName,
        String credentialsSecretId, String s3AccessKeySecretId, WriteDisposition writeDisposition,
        SchemaChanges schemaChanges, List<String> decimalTargetTypes, Integer requestTimeoutSeconds,
        Integer maxAttempts, GoogleEndpoints endpoints) {
      this(projectId, location, dataset, tableName, credentialsSecretId, s3AccessKeySecretId, writeDisposition,
          schemaChanges, decimalTargetTypes, requestTimeoutSeconds, maxAttempts, endpoints, null, null, null, null);
    }

    /** The layout the config gives {@code database.table}, or null. */
    public TableLayout layoutOf(String database, String table) {
      return tables.get(database + "." + table);
    }

    /** The same settings with another history setting. */
    public BigQueryConfig withHistory(History newHistory) {
      return new BigQueryConfig(projectId, location, dataset, tableName, credentialsSecretId, s3AccessKeySecretId,
          writeDisposition, schemaChanges, decimalTargetTypes, requestTimeoutSeconds, maxAttempts, endpoints,
          queryTimeoutSeconds, checkReceipts, newHistory, tables);
    }

    /** The same settings with these table layouts. */
    public BigQueryConfig withTables(Map<String, TableLayout> newTables) {
      return new BigQueryConfig(projectId, location, dataset, tableName, credentialsSecretId, s3AccessKeySecretId,
          writeDisposition, schemaChanges, decimalTargetTypes, requestTimeoutSeconds, maxAttempts, endpoints,
          queryTimeoutSeconds, checkReceipts, history, newTables);
    }

    /** The destination table's name for a table of the single source. */
    public String tableFor(String database, String table) {
      return tableFor(null, database, table);
    }

    /** The destination table's name for a table of a source (null: the single {@code source}). */
    public String tableFor(String source, String database, String table) {
      // Null only in a config built without PipelineConfig (a test's): the single source's default.
      String template = tableName == null ? SINGLE_SOURCE_TABLE_NAME : tableName;
      return template.replace("{source}", source == null ? "" : source).replace("{database}", database)
          .replace("{table}", table);
    }

    /** The same settings with another table-name template. */
    public BigQueryConfig withTableName(String template) {
      return new BigQueryConfig(projectId, location, dataset, template, credentialsSecretId, s3AccessKeySecretId,
          writeDisposition, schemaChanges, decimalTargetTypes, requestTimeoutSeconds, maxAttempts, endpoints,
          queryTimeoutSeconds, checkReceipts, history, tables);
    }
  }

  /**
   * Where the load functions reach Google instead of its public endpoints, each used only when set
   * (docs/configuration.md#bigquery). Only the address changes: the connection is TLS, verified by
   * the JVM's trust store, and every request carries the credentials secret's token.
   *
   * @param dataTransfer the Data Transfer Service's gRPC endpoint, {@code host:port}
   * @param bigQuery the BigQuery API's root URL, {@code https://host[:port]}
   */
  public record GoogleEndpoints(String dataTransfer, String bigQuery) {
    static final Pattern HOST_PORT =
        Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*"
            + ":([1-9][0-9]{0,4})");

    static boolean hostPort(String value) {
      Matcher m = HOST_PORT.matcher(value);
      return m.matches() && Integer.parseInt(m.group(5)) <= 65535;
    }

    static boolean httpsRoot(String value) {
      try {
        URI uri = new URI(value);
        return "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null
            && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
            && uri.getRawFragment() == null;
      } catch (URISyntaxException e) {
        return false;
      }
    }
  }

  /**
   * How source column names become Parquet field and BigQuery column names
   * (docs/type-mapping.md#column-names).
   *
   * @param characters FLEXIBLE (BigQuery's flexible column names, the default) or ASCII
   * @param rename per table, {@code database.table}, the output name of some of its columns
   */
  public record ColumnNamesConfig(ColumnNames.Characters characters, Map<String, Map<String, String>> rename) {
    public ColumnNamesConfig {
      characters = characters == null ? ColumnNames.Characters.FLEXIBLE : characters;
      rename = rename == null ? Map.of() : rename;
    }

    /** The naming rule this config sets. */
    public ColumnNames names() {
      return new ColumnNames(characters, rename);
    }

    /**
     * The naming rule for the tables of one source: null, the single {@code source}, takes every
     * rename; a named source the renames of {@code <source>.database.table}, as {@code database.table}.
     */
    public ColumnNames names(String source) {
      if (source == null) {
        return names();
      }
      Map<String, Map<String, String>> own = new java.util.LinkedHashMap<>();
      rename.forEach((table, columns) -> {
        if (table.startsWith(source + ".")) {
          own.put(table.substring(source.length() + 1), columns);
        }
      });
      return new ColumnNames(characters, own);
    }
  }

  public PipelineConfig {
    columnNames = columnNames == null ? new ColumnNamesConfig(null, null) : columnNames;
    incremental = incremental == null ? new IncrementalConfig(null, null) : incremental;
    run = run == null ? RunConfig.defaults() : run;
    publish = publish == null ? new PublishConfig(false) : publish;
    prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    // Kept as written, nulls included, so that validate() names a null entry instead of failing here.
    databases = databases == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(databases));
    tables = tables == null ? new TableFilter(null, null) : tables;
    planning = planning == null ? PlanningConfig.defaults() : planning;
    runDateZone = runDateZone == null ? "UTC" : runDateZone;
    maxBackfillDays = maxBackfillDays == null ? DEFAULT_MAX_BACKFILL_DAYS : maxBackfillDays;
    parquet = parquet == null ? ParquetConfig.defaults() : parquet;
    zeroDates = zeroDates == null ? ZeroDatePolicy.ERROR : zeroDates;
    sources = sources == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sources));
    if (bigquery != null && bigquery.tableName() == null) {
      bigquery = bigquery.withTableName(sources == null ? SINGLE_SOURCE_TABLE_NAME : SOURCES_TABLE_NAME);
    }
  }

  /** BigQuery table names of a single source: the MySQL database and table. */
  public static final String SINGLE_SOURCE_TABLE_NAME = "{database}__{table}";
  /** BigQuery table names with several sources: the source name in front keeps them apart. */
  public static final String SOURCES_TABLE_NAME = "{source}__{database}__{table}";

  /** How far back a run date may go by default: a year and a day. */
  public static final int DEFAULT_MAX_BACKFILL_DAYS = 366;

  /**
   * A key prefix: segments of letters, digits, {@code _ . -}, joined by {@code /}. Characters such
   * as {@code * ? $ [} mean something in an IAM resource pattern or a policy variable, so a prefix
   * with them would widen or break every permission scoped to it.
   */
  public static final String PREFIX_PATTERN = "[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);

  /** Parses and validates; {@code origin} names the file or variable in messages. */
  public static PipelineConfig parse(String origin, String text) {
    PipelineConfig config;
    try {
      config = YAML.readValue(text, PipelineConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException("config " + origin + ": unknown key '" + path(e) + "'; allowed there: "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
    } catch (InvalidFormatException e) {
      throw new ConfigException("config " + origin + ": key '" + path(e) + "' has the invalid value '"
          + e.getValue() + "'" + (e.getTargetType().isEnum()
              ? "; allowed: " + java.util.Arrays.toString(e.getTargetType().getEnumConstants()).toLowerCase()
              : ""));
    } catch (JsonMappingException e) {
      throw new ConfigException("config " + origin + ": key '" + path(e) + "': " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("config " + origin + " is not valid YAML or JSON: " + e.getMessage());
    }
    if (config == null) {
      throw new ConfigException("config " + origin + " is empty");
    }
    config.validate(origin);
    return config;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  void validate(String origin) {
    require(origin, "bucket", bucket != null && bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
        "an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)", bucket);
    require(origin, "prefix", prefix.isEmpty() || prefix.matches(PREFIX_PATTERN), "an S3 key prefix of segments made of"
        + " letters, digits, '_', '-' and '.' (not starting with '.'), joined by '/' without empty segments: '*', '?',"
        + " '$' and other signs change the meaning of the IAM and lifecycle rules scoped to it", prefix);
    validateDatabases(origin, "databases", databases);
    require(origin, "source", source != null || sources != null, "present, with secretId (or 'sources', naming"
        + " several)", null);
    require(origin, "sources", source == null || sources == null, "absent when 'source' is set: a config has either"
        + " one 'source' or named 'sources' (docs/configuration.md#sources)", "both");
    if (sources == null) {
      require(origin, "source.databases", source.databases() == null, "absent: a single source takes the top-level"
          + " 'databases'", source.databases());
      require(origin, "source.tables", source.tables() == null, "absent: a single source takes the top-level"
          + " 'tables'", source.tables());
      validateSource(origin, "source", source);
    } else {
      require(origin, "sources", !sources.isEmpty(), "a map from source name to {engine, secretId, databases, ...}",
          "{}");
      require(origin, "databases", databases.isEmpty(), "absent with 'sources': each source lists its own"
          + " (sources.<name>.databases)", databases);
      for (Map.Entry<String, SourceConfig> e : sources.entrySet()) {
        String key = "sources." + e.getKey();
        require(origin, key, e.getKey().matches(SOURCE_NAME_PATTERN), "named with 1-30 lower-case letters and"
            + " digits, starting with a letter: the name is a folder in the bucket and the start of its BigQuery"
            + " table names, and '_' or '/' in it could make two sources' names meet", e.getKey());
        require(origin, key, e.getValue() != null, "a mapping with engine, secretId and databases", null);
        validateSource(origin, key, e.getValue());
        validateDatabases(origin, key + ".databases", e.getValue().databases() == null ? List.of()
            : e.getValue().databases());
      }
    }
    require(origin, "masking", masking != null && masking.policyFile() != null,
        "present, with policyFile: there is no export without a masking policy", null);
    ValueScanConfig scan = masking.valueScan();
    require(origin, "masking.valueScan.sampleRows", scan.sampleRows() >= 10 && scan.sampleRows() <= 100_000,
        "between 10 and 100000", scan.sampleRows());
    require(origin, "masking.valueScan.tableSeconds", scan.tableSeconds() >= 1 && scan.tableSeconds() <= 300,
        "between 1 and 300", scan.tableSeconds());
    require(origin, "masking.valueScan.minHitRate", scan.minHitRate() > 0 && scan.minHitRate() <= 1,
        "above 0 and at most 1 (a share of the sampled values, e.g. 0.005 for 0.5 %)", scan.minHitRate());
    require(origin, "masking.valueScan.maxValueChars", scan.maxValueChars() >= 64 && scan.maxValueChars() <= 65_536,
        "between 64 and 65536", scan.maxValueChars());
    require(origin, "parquet.targetFileMiB", parquet.targetFileMiB() >= 1 && parquet.targetFileMiB() <= 4096,
        "between 1 and 4096", parquet.targetFileMiB());
    require(origin, "parquet.rowGroupMiB", parquet.rowGroupMiB() >= 16 && parquet.rowGroupMiB() <= 512,
        "between 16 (BigQuery loads smaller row groups slowly) and 512", parquet.rowGroupMiB());
    require(origin, "parquet.pageKiB", parquet.pageKiB() >= 64 && parquet.pageKiB() <= 8192,
        "between 64 and 8192", parquet.pageKiB());
    require(origin, "planning.rowsPerRange", planning.rowsPerRange() >= 1000, "at least 1000", planning.rowsPerRange());
    require(origin, "planning.bigTableRows", planning.bigTableRows() >= 1, "at least 1", planning.bigTableRows());
    require(origin, "planning.bigTableMiB", planning.bigTableMiB() >= 1 && planning.bigTableMiB() <= 1L << 30,
        "between 1 and 1073741824", planning.bigTableMiB());
    require(origin, "planning.maxPlanKiB", planning.maxPlanKiB() >= 1 && planning.maxPlanKiB() <= 250,
        "between 1 and 250 (Step Functions passes at most 256 KiB between states)", planning.maxPlanKiB());
    boolean zoneOk;
    try {
      java.time.ZoneId.of(runDateZone);
      zoneOk = true;
    } catch (java.time.DateTimeException e) {
      zoneOk = false;
    }
    require(origin, "runDateZone", zoneOk, "a time-zone id such as Asia/Tokyo or UTC", runDateZone);
    require(origin, "maxBackfillDays", maxBackfillDays >= 0 && maxBackfillDays <= 36500,
        "between 0 and 36500 (how many days before today a run date may be)", maxBackfillDays);
    require(origin, "run.maxSourceConnections", run.maxSourceConnections() >= 1 && run.maxSourceConnections() <= 40,
        "between 1 and 40 (exports reading the source at once; keep it small, the application reads the same"
            + " replica)", run.maxSourceConnections());
    require(origin, "run.tableConcurrency", run.tableConcurrency() >= 1 && run.tableConcurrency() <= 40,
        "between 1 and 40 (each table's export holds a connection to the replica)", run.tableConcurrency());
    require(origin, "run.rangeConcurrency", run.rangeConcurrency() >= 1 && run.rangeConcurrency() <= 40,
        "between 1 and 40", run.rangeConcurrency());
    require(origin, "run.tableConcurrency", run.tableConcurrency() * run.rangeConcurrency() <= run.maxSourceConnections(),
        "at most run.maxSourceConnections (" + run.maxSourceConnections() + ") when multiplied by run.rangeConcurrency ("
            + run.rangeConcurrency() + "): each export holds one connection to the source. Lower either, or raise"
            + " run.maxSourceConnections if the replica can take it", run.tableConcurrency());
    require(origin, "run.loadVisibilityDelaySeconds", run.loadVisibilityDelaySeconds() >= 0
        && run.loadVisibilityDelaySeconds() <= 3600, "between 0 and 3600 (DTS may not see S3 objects younger than about 5 minutes)",
        run.loadVisibilityDelaySeconds());
    require(origin, "run.loadPollSeconds", run.loadPollSeconds() >= 1 && run.loadPollSeconds() <= 3600,
        "between 1 and 3600", run.loadPollSeconds());
    require(origin, "run.loadTimeoutMinutes", run.loadTimeoutMinutes() >= 1 && run.loadTimeoutMinutes() <= 24 * 60,
        "between 1 and 1440", run.loadTimeoutMinutes());
    if (bigquery != null) {
      require(origin, "bigquery.projectId", bigquery.projectId() != null
          && bigquery.projectId().matches("[a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]"),
          "a Google Cloud project id (6-30 lower-case letters, digits, hyphens)", bigquery.projectId());
      require(origin, "bigquery.dataset", bigquery.dataset() != null && bigquery.dataset().matches("[A-Za-z0-9_]{1,1024}"),
          "a BigQuery dataset id (letters, digits, underscores)", bigquery.dataset());
      require(origin, "bigquery.tableName", bigquery.tableName().contains("{table}")
          && bigquery.tableFor("src", "db", "t").matches("[\\p{L}\\p{N}_-]{1,1024}"),
          "a template with {table} (and usually {database}) that gives a valid BigQuery table name", bigquery.tableName());
      require(origin, "bigquery.tableName", sources == null ? !bigquery.tableName().contains("{source}")
          : bigquery.tableName().startsWith("{source}_"), sources == null
          ? "a template without {source}: the config has a single source, which has no name"
          : "a template that starts with '{source}_' (the default is " + SOURCES_TABLE_NAME + "): source names have"
              + " no '_', so the text before the first '_' tells the sources apart and two sources can never load"
              + " into one table", bigquery.tableName());
      require(origin, "bigquery.credentialsSecretId", bigquery.credentialsSecretId() != null
          && !bigquery.credentialsSecretId().isBlank(),
          "the Secrets Manager id of the Google credentials (service-account key or WIF config)", bigquery.credentialsSecretId());
      require(origin, "bigquery.s3AccessKeySecretId", bigquery.s3AccessKeySecretId() != null
          && !bigquery.s3AccessKeySecretId().isBlank(),
          "the Secrets Manager id of the access key DTS reads the bucket with", bigquery.s3AccessKeySecretId());
      // The table's column types come from the manifest, which follows BigQuery's rule for NUMERIC,BIGNUMERIC
      // (docs/type-mapping.md); any other list would make DTS pick types the table does not have.
      require(origin, "bigquery.decimalTargetTypes", bigquery.decimalTargetTypes().equals(List.of("NUMERIC", "BIGNUMERIC"))
          || bigquery.decimalTargetTypes().equals(List.of("NUMERIC", "BIGNUMERIC", "STRING")),
          "[NUMERIC, BIGNUMERIC] (the default) or [NUMERIC, BIGNUMERIC, STRING]: the table's types follow that rule",
          bigquery.decimalTargetTypes());
      require(origin, "bigquery.requestTimeoutSeconds", bigquery.requestTimeoutSeconds() >= 1
          && bigquery.requestTimeoutSeconds() <= 600, "between 1 and 600", bigquery.requestTimeoutSeconds());
      require(origin, "bigquery.maxAttempts", bigquery.maxAttempts() >= 1 && bigquery.maxAttempts() <= 10,
          "between 1 and 10", bigquery.maxAttempts());
      require(origin, "bigquery.queryTimeoutSeconds", bigquery.queryTimeoutSeconds() >= 10
          && bigquery.queryTimeoutSeconds() <= 21600, "between 10 and 21600 (6 hours, BigQuery's own limit for a"
          + " query job)", bigquery.queryTimeoutSeconds());
      require(origin, "bigquery.history", bigquery.history() == History.NONE
          || bigquery.writeDisposition() == WriteDisposition.WRITE_TRUNCATE, "none when bigquery.writeDisposition is"
          + " write_append (a history partition holds one whole snapshot)", bigquery.history());
      for (Map.Entry<String, TableLayout> t : bigquery.tables().entrySet()) {
        String where = "bigquery.tables." + t.getKey();
        require(origin, "bigquery.tables", t.getKey().matches("[^.]+\\.[^.]+"),
            "a map from database.table to {partitionBy, clusterBy}", t.getKey());
        TableLayout layout = t.getValue();
        require(origin, where, layout != null && (layout.partitionBy() != null || layout.clusterBy() != null),
            "partitionBy, clusterBy or both", null);
        if (layout.partitionBy() != null) {
          require(origin, where + ".partitionBy.column", layout.partitionBy().column() != null
              && !layout.partitionBy().column().isBlank(), "the name of a DATE, DATETIME or TIMESTAMP column"
              + " of the table as loaded", layout.partitionBy().column());
        }
        if (layout.clusterBy() != null) {
          require(origin, where + ".clusterBy", !layout.clusterBy().isEmpty() && layout.clusterBy().size() <= 4
              && layout.clusterBy().stream().allMatch(c -> c != null && !c.isBlank())
              && layout.clusterBy().stream().map(c -> c.toLowerCase(java.util.Locale.ROOT)).distinct().count()
                  == layout.clusterBy().size(),
              "1 to 4 distinct column names (BigQuery clusters by at most 4)", layout.clusterBy());
        }
      }
      GoogleEndpoints endpoints = bigquery.endpoints();
      if (endpoints != null) {
        require(origin, "bigquery.endpoints", endpoints.dataTransfer() != null || endpoints.bigQuery() != null,
            "dataTransfer, bigQuery or both (or no endpoints key at all, for Google's own)", "{}");
        require(origin, "bigquery.endpoints.dataTransfer", endpoints.dataTransfer() == null
            || GoogleEndpoints.hostPort(endpoints.dataTransfer()),
            "host:port of a gRPC endpoint over TLS, without a scheme (e.g."
                + " bigquerydatatransfer-myendpoint.p.googleapis.com:443)", endpoints.dataTransfer());
        require(origin, "bigquery.endpoints.bigQuery", endpoints.bigQuery() == null
            || GoogleEndpoints.httpsRoot(endpoints.bigQuery()),
            "an https:// root URL without a path (e.g. https://bigquery-myendpoint.p.googleapis.com)",
            endpoints.bigQuery());
      }
    }
    require(origin, "parquet.uploadPartMiB", parquet.uploadPartMiB() >= 5 && parquet.uploadPartMiB() <= 512,
        "between 5 (the S3 minimum part) and 512", parquet.uploadPartMiB());
    validateRenames(origin);
    validateIncremental(origin);
  }

  private static void validateDatabases(String origin, String key, List<String> databases) {
    for (int i = 0; i < databases.size(); i++) {
      String db = databases.get(i);
      require(origin, key + "[" + i + "]", db != null && !db.isBlank() && db.length() <= 64 && !db.endsWith(" ")
          && db.chars().noneMatch(ch -> ch == '/' || ch == '\\' || ch == '.' || ch == 0),
          "a database name (a PostgreSQL schema name for engine postgresql): 1-64 characters, no '/', '\\' or"
              + " '.', as the server prints it", db);
      // Listed twice, a database would be planned twice: two exports of each table into one folder.
      require(origin, key + "[" + i + "]", databases.indexOf(db) == i, "listed once; it is also " + key + "["
          + databases.indexOf(db) + "]", db);
    }
  }

  private static void validateSource(String origin, String key, SourceConfig source) {
    require(origin, key + ".secretId", source.secretId() != null && !source.secretId().isBlank(),
        "the Secrets Manager id of the replica's RDS-format secret", source.secretId());
    require(origin, key + ".caBundle", source.tls() == TlsMode.DISABLED || source.caBundle() != null,
        "the path of the RDS CA bundle PEM when tls is verify (see docs/configuration.md)", source.caBundle());
    require(origin, key + ".connectTimeoutSeconds", source.connectTimeoutSeconds() > 0
        && source.connectTimeoutSeconds() <= 300, "between 1 and 300", source.connectTimeoutSeconds());
    require(origin, key + ".socketTimeoutSeconds", source.socketTimeoutSeconds() >= 0
        && source.socketTimeoutSeconds() <= 3600, "between 0 (none) and 3600", source.socketTimeoutSeconds());
    require(origin, key + ".maxReplicaLagSeconds", source.maxReplicaLagSeconds() >= 1
        && source.maxReplicaLagSeconds() <= 86_400, "between 1 and 86400 seconds", source.maxReplicaLagSeconds());
    require(origin, key + ".database", source.database() == null || source.engine() == Engine.POSTGRESQL,
        "absent for engine mysql (each request names its database); it is PostgreSQL's database, whose schemas"
            + " are listed in databases", source.database());
  }

  /** Names and settings of incremental tables; whether the cursor fits its table is checked at plan time. */
  private void validateIncremental(String origin) {
    require(origin, "incremental.fullEveryDays", incremental.fullEveryDays() >= 1 && incremental.fullEveryDays() <= 366,
        "between 1 and 366 days", incremental.fullEveryDays());
    for (Map.Entry<String, IncrementalTable> t : incremental.tables().entrySet()) {
      String key = "incremental.tables." + t.getKey();
      require(origin, key, t.getKey().matches("[^.\\s]+\\.[^.\\s]+(\\.[^.\\s]+)?") && t.getValue() != null,
          "database.table (or source.database.table) with {cursor, lag}", t.getKey());
      require(origin, key + ".cursor", t.getValue().mode() == IncrementalMode.APPEND_ONLY
          || (t.getValue().cursor() != null && !t.getValue().cursor().isBlank()),
          "the cursor column: NOT NULL, an integer, DATETIME or TIMESTAMP, growing on every insert and update",
          t.getValue().cursor());
      require(origin, key + ".lag", t.getValue().lag().matches("\\d{1,9}[smhd]?"),
          "a duration such as 30s, 10m, 2h or 1d for a time cursor, or a number for an integer cursor",
          t.getValue().lag());
    }
  }

  /** Each rename target must be a name BigQuery takes; whether the column exists is checked per table. */
  private void validateRenames(String origin) {
    for (Map.Entry<String, Map<String, String>> table : columnNames.rename().entrySet()) {
      String where = "columnNames.rename." + table.getKey();
      require(origin, "columnNames.rename", table.getKey().matches(sources == null ? "[^.]+\\.[^.]+"
          : "[^.]+\\.[^.]+\\.[^.]+"), sources == null ? "a map from database.table to {source column: new name}"
          : "a map from source.database.table to {source column: new name} (the config names sources)",
          table.getKey());
      require(origin, where, table.getValue() != null && !table.getValue().isEmpty(),
          "a map from source column to new name", null);
      Set<String> seen = new HashSet<>();
      for (Map.Entry<String, String> r : table.getValue().entrySet()) {
        String problem = r.getValue() == null ? "it is empty" : ColumnNames.problem(r.getValue(), columnNames.characters());
        require(origin, where + "." + r.getKey(), problem == null,
            "a column name BigQuery accepts (" + problem + "; see docs/type-mapping.md#column-names)", r.getValue());
        require(origin, where + "." + r.getKey(), seen.add(r.getValue().toUpperCase(java.util.Locale.ROOT)
            .toLowerCase(java.util.Locale.ROOT)), "unique in the table, ignoring case", r.getValue());
      }
    }
  }

  private static void require(String origin, String key, boolean ok, String rule, Object value) {
    if (!ok) {
      throw new ConfigException("config " + origin + ": key '" + key + "' must be " + rule + "; got "
          + (value == null ? "nothing" : "'" + value + "'"));
    }
  }
}
