package dev.rds2bq.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rds2bq.error.ConfigException;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The run's configuration (docs/configuration.md), read from YAML or JSON and validated once: every
 * error names the key, the rule and the value. Sizes are in MiB or KiB as their names say.
 */
public record PipelineConfig(
    String bucket,
    String prefix,
    SourceConfig source,
    MaskingConfig masking,
    ParquetConfig parquet,
    ZeroDatePolicy zeroDates,
    List<String> databases,
    TableFilter tables,
    PlanningConfig planning,
    String runDateZone,
    PublishConfig publish) {

  public enum TlsMode { VERIFY, DISABLED }

  /** A bare YAML {@code null} would read as "not set", so the NULL policy is spelled {@code as_null}. */
  public enum ZeroDatePolicy { ERROR, AS_NULL }

  public enum Compression { SNAPPY, ZSTD, UNCOMPRESSED }

  /**
   * @param secretId Secrets Manager id of the RDS-format login of the read replica
   * @param tls VERIFY (certificate and host name) or DISABLED (local servers only)
   * @param caBundle path of the RDS CA bundle PEM, required with VERIFY
   */
  public record SourceConfig(String secretId, TlsMode tls, String caBundle, Integer connectTimeoutSeconds,
      Integer socketTimeoutSeconds) {
    public SourceConfig {
      tls = tls == null ? TlsMode.VERIFY : tls;
      connectTimeoutSeconds = connectTimeoutSeconds == null ? 10 : connectTimeoutSeconds;
      socketTimeoutSeconds = socketTimeoutSeconds == null ? 600 : socketTimeoutSeconds;
    }
  }

  /**
   * @param policyFile path of the masking policy (YAML or JSON)
   * @param hashKeySecretId Secrets Manager id of the HMAC key used by {@code hash}
   */
  public record MaskingConfig(String policyFile, String hashKeySecretId) {}

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

  public PipelineConfig {
    publish = publish == null ? new PublishConfig(false) : publish;
    prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    databases = databases == null ? List.of() : List.copyOf(databases);
    tables = tables == null ? new TableFilter(null, null) : tables;
    planning = planning == null ? PlanningConfig.defaults() : planning;
    runDateZone = runDateZone == null ? "UTC" : runDateZone;
    parquet = parquet == null ? ParquetConfig.defaults() : parquet;
    zeroDates = zeroDates == null ? ZeroDatePolicy.ERROR : zeroDates;
  }

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
    require(origin, "prefix", !prefix.contains("//"), "an S3 key prefix without empty segments", prefix);
    require(origin, "source", source != null, "present, with secretId", null);
    require(origin, "source.secretId", source.secretId() != null && !source.secretId().isBlank(),
        "the Secrets Manager id of the replica's RDS-format secret", source.secretId());
    require(origin, "source.caBundle", source.tls() == TlsMode.DISABLED || source.caBundle() != null,
        "the path of the RDS CA bundle PEM when tls is verify (see docs/configuration.md)", source.caBundle());
    require(origin, "source.connectTimeoutSeconds", source.connectTimeoutSeconds() > 0 && source.connectTimeoutSeconds() <= 300,
        "between 1 and 300", source.connectTimeoutSeconds());
    require(origin, "source.socketTimeoutSeconds", source.socketTimeoutSeconds() >= 0 && source.socketTimeoutSeconds() <= 3600,
        "between 0 (none) and 3600", source.socketTimeoutSeconds());
    require(origin, "masking", masking != null && masking.policyFile() != null,
        "present, with policyFile: there is no export without a masking policy", null);
    require(origin, "parquet.targetFileMiB", parquet.targetFileMiB() >= 1 && parquet.targetFileMiB() <= 4096,
        "between 1 and 4096", parquet.targetFileMiB());
    require(origin, "parquet.rowGroupMiB", parquet.rowGroupMiB() >= 16 && parquet.rowGroupMiB() <= 512,
        "between 16 (BigQuery loads smaller row groups slowly) and 512", parquet.rowGroupMiB());
    require(origin, "parquet.pageKiB", parquet.pageKiB() >= 64 && parquet.pageKiB() <= 8192,
        "between 64 and 8192", parquet.pageKiB());
    require(origin, "planning.rowsPerRange", planning.rowsPerRange() >= 1000, "at least 1000", planning.rowsPerRange());
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
    require(origin, "parquet.uploadPartMiB", parquet.uploadPartMiB() >= 5 && parquet.uploadPartMiB() <= 512,
        "between 5 (the S3 minimum part) and 512", parquet.uploadPartMiB());
  }

  private static void require(String origin, String key, boolean ok, String rule, Object value) {
    if (!ok) {
      throw new ConfigException("config " + origin + ": key '" + key + "' must be " + rule + "; got "
          + (value == null ? "nothing" : "'" + value + "'"));
    }
  }
}
