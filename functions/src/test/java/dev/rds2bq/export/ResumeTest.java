package dev.rds2bq.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.Parquet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/state-machine.md#resume: an execution that takes up an unpublished attempt again does not read
 * the source for a range whose result an earlier execution kept, as long as that result is what this
 * export would write: the same bounds, table schema, masking policy and hash key, and every file
 * still in the bucket. Anything else is exported again.
 */
class ResumeTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String KEEP = "databases: {resumedb: {tables: {}}}";
  private static final String HASH = "databases: {resumedb: {tables: {t: {columns: {v: hash}}}}}";
  private static final KeyRange FIRST = new KeyRange(0, null, null, "1501");
  private static final ExportRequest RANGE = new ExportRequest("resume-1", "1", "2026-11-26", "resumedb", "t", FIRST);

  @Test
  void aRangeAlreadyExportedByThisAttemptIsTakenOverWithoutReadingTheSourceAgain() throws Exception {
    stack.database("resumedb", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO t SELECT seq, 'before' FROM seq_1_to_3000");
    String bucket = stack.bucket("resume");
    PipelineConfig config = LocalStack.config(bucket, "databases: [resumedb]\n");
    ExportResult first = export(config, KEEP, RANGE);
    assertEquals(1500, first.rowsWritten());
    assertFalse(first.wasReused());

    // Had the source been read again, the files would hold the new value.
    try (var c = stack.mysql.connect("resumedb"); var s = c.createStatement()) {
      s.execute("UPDATE t SET v = 'after'");
    }
    ExportResult again = export(config, KEEP, RANGE);
    assertTrue(again.wasReused(), "the range is taken over");
    assertEquals(first.files(), again.files(), "the same files, not new ones");
    assertEquals(List.of(Map.of("v", "before", "n", 1500L)), values(bucket, again));

    // Another range of the same attempt, never exported, is read.
    ExportResult second = export(config, KEEP, 
        new ExportRequest("resume-1", "1", "2026-11-26", "resumedb", "t", new KeyRange(1, null, "1501", null)));
    assertFalse(second.wasReused());
    assertEquals(List.of(Map.of("v", "after", "n", 1500L)), values(bucket, second));

    // Other bounds under the same id (a plan that split differently): exported again.
    ExportResult otherBounds = export(config, KEEP, new ExportRequest("resume-1", "1",
        "2026-11-26", "resumedb", "t", new KeyRange(0, null, null, "1001")));
    assertFalse(otherBounds.wasReused());
    assertEquals(1000, otherBounds.rowsWritten());
  }

  @Test
  void anotherPolicyAnotherAttemptOrAMissingFileIsExportedAgain() throws Exception {
    stack.database("resumedb", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))",
        "INSERT INTO t SELECT seq, 'before' FROM seq_1_to_3000");
    String bucket = stack.bucket("resume-changed");
    PipelineConfig config = LocalStack.config(bucket, "databases: [resumedb]\n");
    ExportResult first = export(config, KEEP, RANGE);

    ExportResult hashed = export(config, HASH, RANGE);
    assertFalse(hashed.wasReused(), "the policy changed: its fingerprint differs");
    assertEquals(64, ((String) values(bucket, hashed).get(0).get("v")).length(), "written hashed");

    ExportResult otherAttempt = export(config, HASH, 
        new ExportRequest("resume-1", "2", "2026-11-26", "resumedb", "t", FIRST));
    assertFalse(otherAttempt.wasReused(), "an attempt is never built from another's files");

    stack.store(bucket).delete(hashed.files().get(0).key());
    ExportResult afterLoss = export(config, HASH, RANGE);
    assertFalse(afterLoss.wasReused(), "a file of the earlier result is gone");
    assertFalse(first.wasReused());
  }

  @Test
  void aRangeBoundedByAMaskedKeyIsAlwaysExportedAgain() throws Exception {
    stack.database("resumedb", "CREATE TABLE m (email VARCHAR(80) PRIMARY KEY, plan VARCHAR(10))",
        "INSERT INTO m SELECT CONCAT('p', seq, '@example.com'), 'basic' FROM seq_1_to_100");
    String bucket = stack.bucket("resume-masked");
    PipelineConfig config = LocalStack.config(bucket, "databases: [resumedb]\n");
    String policy = "databases: {resumedb: {tables: {m: {columns: {email: hash}}}}}";
    ExportRequest range = new ExportRequest("resume-1", "1", "2026-11-26", "resumedb", "m",
        new KeyRange(0, null, null, "p5"));
    ExportResult first = export(config, policy, range);
    assertEquals(null, first.range().hi(), "the result names the range by id only");
    assertFalse(export(config, policy, range).wasReused(),
        "its result cannot show which rows it bounded");
  }

  /** As ExportTable does: the full result is kept beside the files, where a later execution finds it. */
  private static ExportResult export(PipelineConfig config, String policy, ExportRequest request) {
    TableExporter exporter = stack.exporter(config, "resumedb", policy);
    ExportResult result = exporter.export(request);
    exporter.results().save(result);
    return result;
  }

  private static List<Map<String, Object>> values(String bucket, ExportResult r) throws Exception {
    List<Path> files = r.files().stream().map(f -> stack.file(bucket, f.key())).toList();
    return Parquet.query(files, "SELECT v, count(*) AS n FROM t GROUP BY v");
  }
}
