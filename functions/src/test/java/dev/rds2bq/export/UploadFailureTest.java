package dev.rds2bq.export;

import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.storage.S3ObjectStore;
import dev.rds2bq.testing.LocalStack;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** S3 fails in the middle of a multipart upload: the upload is aborted and nothing becomes visible. */
class UploadFailureTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {big: {tables: {users: {default: drop, columns: {id: keep,"
      + " bio: keep, preferences: keep, last_login_at: keep, created_at: keep, prefecture: keep, weight_kg: keep}}}}}";

  @BeforeAll
  static void load() throws Exception {
    DemoData.createUsersOnly(stack.mysql, "big", 150_000);
  }

  @Test
  void failedPartAbortsTheUploadAndLeavesNoObject() {
    String bucket = stack.bucket("upload-failure");
    AtomicInteger parts = new AtomicInteger();
    ExecutionInterceptor failSecondPart = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof UploadPartRequest && parts.incrementAndGet() == 2) {
          throw SdkClientException.create("injected: connection reset while sending part 2");
        }
      }
    };
    try (S3Client failing = stack.s3.clientBuilder()
        .overrideConfiguration(o -> o.addExecutionInterceptor(failSecondPart)).build()) {
      // Uncompressed 16 MiB row groups make a file of several 5 MiB parts.
      TableExporter exporter = stack.exporter(LocalStack.config(bucket,
              "parquet: {compression: uncompressed, rowGroupMiB: 16, pageKiB: 64}\n"), "big", POLICY,
          new S3ObjectStore(failing, bucket, 5 * 1024 * 1024));
      StorageUnavailableException e = assertThrows(StorageUnavailableException.class,
          () -> exporter.export(new ExportRequest("r1", "1", "2026-11-26", "big", "users", null)));
      assertTrue(e.getMessage().contains("part-full-00000.parquet"), e.getMessage());
      assertTrue(parts.get() >= 2, "the failure must have hit a multipart upload");
      assertEquals(List.of(), stack.store(bucket).list(""), "no object is visible");
      assertEquals(0, stack.s3Client.listMultipartUploads(b -> b.bucket(bucket)).uploads().size(),
          "no upload is left open with its parts");
    }
  }

  @Test
  void filesRollAtTheTargetSizeAndZstdReadsBack() throws Exception {
    String bucket = stack.bucket("rolling");
    ExportResult r = stack.exporter(LocalStack.config(bucket,
            "parquet: {compression: zstd, targetFileMiB: 2, rowGroupMiB: 16}\n"), "big", POLICY)
        .export(new ExportRequest("r1", "1", "2026-11-26", "big", "users", new KeyRange(7, "id", "1001", null)));
    assertTrue(r.files().size() >= 3, "several files: " + r.files());
    for (int i = 0; i < r.files().size(); i++) {
      assertTrue(r.files().get(i).key().endsWith(String.format("part-00007-%05d.parquet", i)), r.files().get(i).key());
    }
    assertEquals(149_000, r.rowsWritten());
    java.util.List<java.nio.file.Path> files = r.files().stream().map(f -> stack.file(bucket, f.key())).toList();
    java.util.Map<String, Object> agg = dev.rds2bq.testing.Parquet.query(files,
        "SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi FROM t").get(0);
    assertEquals(149_000L, ((Number) agg.get("n")).longValue());
    assertEquals(149_000L, ((Number) agg.get("ids")).longValue(), "no row twice across files");
    assertEquals(1001L, ((Number) agg.get("lo")).longValue(), "the range's lower bound is inclusive");
    assertEquals(150_000L, ((Number) agg.get("hi")).longValue());
  }

  @Test
  void theSameExportSucceedsWithoutTheFault() {
    String bucket = stack.bucket("upload-ok");
    ExportResult r = stack.exporter(LocalStack.config(bucket,
            "parquet: {compression: uncompressed, rowGroupMiB: 16, pageKiB: 64}\n"), "big", POLICY)
        .export(new ExportRequest("r1", "1", "2026-11-26", "big", "users", null));
    assertEquals(150_000, r.rowsWritten());
    assertTrue(r.bytes() > 10 * 1024 * 1024, "large enough to need several parts: " + r.bytes());
    assertEquals(r.bytes(), stack.store(bucket).list("").stream().mapToLong(o -> o.size()).sum());
  }
}
