package dev.rds2bq.publish;

import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.PublishResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.SourceUnavailableException;
import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.storage.S3ObjectStore;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Faults in the middle of a range, then the retry the state machine makes: the published snapshot
 * holds exactly the source rows. Files of the failed attempt are overwritten or removed.
 */
class FaultInjectionTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "databases: {faults: {tables: {events: {columns: {}}}}}";
  /** Small files, so the failed attempt has committed some before the fault. */
  private static final String SMALL_FILES = "parquet: {compression: uncompressed, targetFileMiB: 1, rowGroupMiB: 16}\n";
  private static final long ROWS = 200_000;

  @BeforeAll
  static void load() throws Exception {
    stack.database("faults",
        "CREATE TABLE events (id INT PRIMARY KEY, kind VARCHAR(20), payload VARCHAR(200))",
        "INSERT INTO events SELECT seq, ELT(1 + seq % 3, 'a', 'b', 'c'), CONCAT(MD5(seq), MD5(seq * 7), MD5(seq * 13))"
            + " FROM seq_1_to_" + ROWS);
  }

  private static TableExporter exporter(PipelineConfig config, ObjectStore store, ExportListener listener) {
    return new Engines(config, new MapSecretSource(stack.secrets("faults")), store)
        .exporter(MaskingPolicy.parse("m.yaml", POLICY), listener);
  }

  @Test
  void aConnectionKilledMidStreamIsTransientAndTheRetryPublishesExactly() throws Exception {
    String bucket = stack.bucket("fault-kill");
    PipelineConfig config = LocalStack.config(bucket, SMALL_FILES);
    AtomicBoolean killed = new AtomicBoolean();
    // The kill comes from a second session while the export is at 40,000 rows of 100,000.
    ExportListener killAt40k = (request, rows) -> {
      if (rows >= 40_000 && killed.compareAndSet(false, true)) {
        killExportConnection();
      }
    };
    ExportRequest range0 = new ExportRequest("r1", "1", "2026-11-26", "faults", "events", new KeyRange(0, null, null, "100001"));
    ExportRequest range1 = new ExportRequest("r1", "1", "2026-11-26", "faults", "events", new KeyRange(1, null, "100001", null));
    SourceUnavailableException e = assertThrows(SourceUnavailableException.class,
        () -> exporter(config, stack.store(bucket), killAt40k).export(range0));
    assertTrue(e.isTransient());
    assertTrue(killed.get());
    assertTrue(stack.store(bucket).list("").size() > 0, "the failed attempt committed some files before the kill");

    TableExporter healthy = exporter(config, stack.store(bucket), ExportListener.NONE);
    List<ExportResult> results = List.of(healthy.export(range0), healthy.export(range1));
    assertPublishedExactly(bucket, results);
  }

  @Test
  void anS3FailureMidUploadIsTransientAndTheRetryPublishesExactly() throws Exception {
    String bucket = stack.bucket("fault-s3");
    PipelineConfig config = LocalStack.config(bucket, "parquet: {compression: uncompressed, rowGroupMiB: 16}\n");
    AtomicInteger parts = new AtomicInteger();
    ExecutionInterceptor failThirdPart = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        // Every attempt at part 3 fails, so the SDK's own retries give up too.
        if (context.request() instanceof UploadPartRequest part && part.partNumber() == 3) {
          parts.incrementAndGet();
          throw SdkClientException.create("injected: connection reset while sending part 3");
        }
      }
    };
    ExportRequest whole = new ExportRequest("r1", "1", "2026-11-26", "faults", "events", null);
    try (S3Client failing = stack.s3.clientBuilder()
        .overrideConfiguration(o -> o.addExecutionInterceptor(failThirdPart)).build()) {
      assertThrows(StorageUnavailableException.class,
          () -> exporter(config, new S3ObjectStore(failing, bucket, 5 << 20), ExportListener.NONE).export(whole));
    }
    assertTrue(parts.get() >= 1, "the fault was hit");
    assertEquals(List.of(), stack.store(bucket).list(""), "the aborted upload left nothing");
    ExportResult retried = exporter(config, stack.store(bucket), ExportListener.NONE).export(whole);
    assertPublishedExactly(bucket, List.of(retried));
  }

  /** Tables publish on their own: a table whose range failed is not published, the run's others are. */
  @Test
  void aFailedRangeKeepsItsTableUnpublishedWhileAnotherTablePublishes() throws Exception {
    String bucket = stack.bucket("fault-tables");
    PipelineConfig config = LocalStack.config(bucket, "");
    try (Connection c = stack.mysql.connect("faults"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS kinds (id INT PRIMARY KEY, label VARCHAR(10))");
      s.execute("REPLACE INTO kinds VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    }
    String policy = "databases: {faults: {tables: {events: {columns: {}}, kinds: {columns: {}}}}}";
    TableExporter exporter = new Engines(config, new MapSecretSource(stack.secrets("faults")), stack.store(bucket))
        .exporter(MaskingPolicy.parse("m.yaml", policy), ExportListener.NONE);
    // events: range 1 of 2 failed for good (its retries ran out), so only range 0 reported.
    ExportResult eventsRange0 = exporter.export(new ExportRequest("r1", "1", "2026-11-26", "faults", "events",
        new KeyRange(0, null, null, "100001")));
    ExportResult kinds = exporter.export(new ExportRequest("r1", "1", "2026-11-26", "faults", "kinds", null));
    TablePublisher publisher = new TablePublisher(stack.store(bucket), "exports", Clock.systemUTC());
    dev.rds2bq.error.IntegrityException failed = assertThrows(dev.rds2bq.error.IntegrityException.class,
        () -> publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "faults", "events", 2, List.of(eventsRange0))));
    assertTrue(failed.getMessage().contains("faults.events") && failed.getMessage().contains("not published"),
        failed.getMessage());
    assertEquals(3, publisher.publish(new PublishRequest("r1", "1", "2026-11-26", "faults", "kinds", 1, List.of(kinds)))
        .rows());
    assertEquals(null, stack.store(bucket).get("exports/faults/events/dt=2026-11-26/run=r1/attempt=1/_SUCCESS"));
    assertTrue(stack.store(bucket).get("exports/faults/kinds/dt=2026-11-26/run=r1/attempt=1/_SUCCESS") != null);
    assertEquals(null, stack.store(bucket).get("exports/faults/events/_latest.json"));
  }

  private static void assertPublishedExactly(String bucket, List<ExportResult> results) throws Exception {
    PublishResult published = new TablePublisher(stack.store(bucket), "exports", Clock.systemUTC())
        .publish(new PublishRequest("r1", "1", "2026-11-26", "faults", "events", results.size(), results));
    assertEquals(ROWS, published.rows());
    JsonNode manifest = JSON.readTree(stack.store(bucket).get(published.manifestKey()));
    List<Path> files = new ArrayList<>();
    manifest.get("files").forEach(f -> files.add(stack.file(bucket, f.get("key").asText())));
    Map<String, Object> agg = Parquet.query(files, "SELECT count(*) AS n, count(DISTINCT id) AS d, sum(length(payload))"
        + " AS len FROM t").get(0);
    assertEquals(ROWS, ((Number) agg.get("n")).longValue());
    assertEquals(ROWS, ((Number) agg.get("d")).longValue());
    assertEquals(sourcePayloadLength(), ((Number) agg.get("len")).longValue());
    assertEquals(files.size() + 2, stack.store(bucket).list("exports/faults/events/dt=2026-11-26/run=r1/attempt=1/").size(),
        "only the snapshot's files, its manifest and _SUCCESS remain");
  }

  private static long sourcePayloadLength() throws Exception {
    try (Connection c = stack.mysql.connect("faults"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT SUM(LENGTH(payload)) FROM events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void killExportConnection() {
    try (Connection c = stack.mysql.connect(null); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = 'faults'"
            + " AND INFO LIKE 'SELECT `id`%' AND ID <> CONNECTION_ID()")) {
      List<Long> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
      assertEquals(1, ids.size(), "the export's streaming query");
      s.execute("KILL " + ids.get(0));
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
