package dev.rds2bq.load;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.TableResult;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.error.LoadRejectedException;
import dev.rds2bq.error.LoadServiceUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs one GoogleSQL statement as a BigQuery query job and waits for it, with every limit set here
 * rather than left to the client: the job carries {@code jobTimeoutMs} ({@code bigquery.queryTimeoutSeconds}),
 * so BigQuery itself stops a runaway statement; each REST call has the timeouts and retries of
 * {@link RetryPolicy} (set on the client in {@link GoogleClients}); and the job id is chosen here, so
 * an insert retried after a lost answer finds the job it already started instead of running the
 * statement twice (the client fetches the job when BigQuery answers "Already Exists").
 *
 * <p>Used by the load receipts (one aggregate query per loaded table) and by merges.
 */
public final class BigQueryQueries {
  private final BigQuery bigQuery;
  private final BigQueryConfig config;
  private final Duration timeout;

  public BigQueryQueries(BigQuery bigQuery, BigQueryConfig config) {
    this.bigQuery = bigQuery;
    this.config = config;
    this.timeout = Duration.ofSeconds(config.queryTimeoutSeconds());
  }

  /**
   * What a statement gave.
   *
   * @param rows the result rows (none for DML)
   * @param bytesProcessed what BigQuery counts for on-demand billing
   * @param dmlAffectedRows rows a DML statement changed, else null
   */
  public record Result(String jobId, Schema schema, List<FieldValueList> rows, long bytesProcessed,
      Long dmlAffectedRows) {}

  /** Runs a statement without parameters. */
  public Result run(String what, String sql) {
    return run(what, sql, Map.of());
  }

  /**
   * Runs {@code sql} (GoogleSQL) with named parameters ({@code @name}) and returns its whole result.
   *
   * @param what names the table and step in errors, e.g. "table sakila.film: checking its receipt"
   * @throws LoadRejectedException when BigQuery refuses or fails the statement (not retried)
   * @throws LoadServiceUnavailableException when BigQuery stays unreachable, or the job outlasts the timeout
   */
  public Result run(String what, String sql, Map<String, QueryParameterValue> parameters) {
    return run(what, sql, parameters, "rds2bq_" + UUID.randomUUID().toString().replace("-", ""), Long.MAX_VALUE,
        null);
  }

  /**
   * Runs a statement at most once under a job id of its own: {@code jobKey} (e.g. the manifest and
   * step of a merge) names the job, so a later call with the same key, after a Lambda that stopped
   * waiting or died, waits for the job already started (or takes its result) instead of running the
   * statement again. Waits until {@code waitUntilNanos} ({@link System#nanoTime()}) at most: a job
   * still running then is a {@link LoadServiceUnavailableException}, and the next call finds it.
   */
  public Result runOnce(String what, String sql, String jobKey, long waitUntilNanos) {
    return run(what, sql, Map.of(), onceId(jobKey), waitUntilNanos, null);
  }

  /**
   * The same, writing the query's rows over one day partition of an ingestion-time partitioned
   * table ({@code table$YYYYMMDD}, WRITE_TRUNCATE replaces that partition only, and the table must
   * exist), as BigQuery writes query results to a partition.
   */
  public Result runOnceIntoPartition(String what, String sql, String table, java.time.LocalDate day, String jobKey,
      long waitUntilNanos) {
    com.google.cloud.bigquery.TableId destination = com.google.cloud.bigquery.TableId.of(config.projectId(),
        config.dataset(), table + "$" + day.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE));
    return run(what, sql, Map.of(), onceId(jobKey), waitUntilNanos, destination);
  }

  private static String onceId(String jobKey) {
    return "rds2bq_" + java.util.HexFormat.of().formatHex(sha256(jobKey), 0, 20);
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Result run(String what, String sql, Map<String, QueryParameterValue> parameters, String jobId,
      long waitUntilNanos, com.google.cloud.bigquery.TableId destination) {
    QueryJobConfiguration.Builder builder = QueryJobConfiguration.newBuilder(sql)
        .setUseLegacySql(false)
        .setNamedParameters(parameters)
        .setJobTimeoutMs(timeout.toMillis());
    if (destination != null) {
      builder.setDestinationTable(destination)
          .setWriteDisposition(JobInfo.WriteDisposition.WRITE_TRUNCATE)
          .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER);
    }
    QueryJobConfiguration query = builder.build();
    JobId id = JobId.newBuilder().setProject(config.projectId()).setLocation(config.location()).setJob(jobId).build();
    try {
      Job job;
      try {
        job = bigQuery.create(JobInfo.of(id, query));
      } catch (BigQueryException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // This job id ran before (a retried call, or a runOnce key seen again): its job, not a second one.
        job = bigQuery.getJob(id);
        if (job == null) {
          throw e;
        }
      }
      long deadline = System.nanoTime() + timeout.plusSeconds(30).toNanos();
      long pause = 200;
      while (job.getStatus() == null || job.getStatus().getState() != JobStatus.State.DONE) {
        if (System.nanoTime() > waitUntilNanos) {
          throw new LoadServiceUnavailableException(what + ": BigQuery job " + id.getJob() + " is still running;"
              + " the next check waits for it again", null);
        }
        if (System.nanoTime() > deadline) {
          throw new LoadServiceUnavailableException(what + ": BigQuery job " + id.getJob() + " still running after "
              + timeout.toSeconds() + " s (bigquery.queryTimeoutSeconds); BigQuery stops it at that limit", null);
        }
        sleep(pause);
        pause = Math.min(pause * 2, 5_000);
        job = bigQuery.getJob(id);
        if (job == null) {
          throw new LoadRejectedException(what + ": BigQuery job " + id.getJob() + " disappeared while it ran", null);
        }
      }
      BigQueryError error = job.getStatus().getError();
      if (error != null) {
        throw new LoadRejectedException(what + ": BigQuery job " + id.getJob() + " failed: " + error.getReason() + ": "
            + error.getMessage(), null);
      }
      JobStatistics.QueryStatistics stats = job.getStatistics();
      Long dml = stats == null ? null : stats.getNumDmlAffectedRows();
      long bytes = stats == null || stats.getTotalBytesProcessed() == null ? 0 : stats.getTotalBytesProcessed();
      TableResult result = job.getQueryResults();
      List<FieldValueList> rows = new ArrayList<>();
      result.iterateAll().forEach(rows::add);
      return new Result(id.getJob(), result.getSchema(), rows, bytes, dml);
    } catch (BigQueryException e) {
      throw LoadErrors.bigQuery(what + ": running a BigQuery query job", e, config);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadServiceUnavailableException(what + ": interrupted while BigQuery job " + id.getJob() + " ran", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoadServiceUnavailableException("interrupted while waiting for a BigQuery job", e);
    }
  }
}
