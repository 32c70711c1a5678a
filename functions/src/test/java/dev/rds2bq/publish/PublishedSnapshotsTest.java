package dev.rds2bq.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.MapSecretSource;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.PublishRequest;
import dev.rds2bq.contract.PublishResult;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.contract.RunTable;
import dev.rds2bq.contract.SlimExportResult;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.export.ExportListener;
import dev.rds2bq.export.TableExporter;
import dev.rds2bq.handler.Engines;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.testing.LocalStack;
import dev.rds2bq.testing.WatchedStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Published snapshots never change: a re-run publishes a new attempt while a reader of the old
 * manifest keeps reading exactly the files it listed; two publishes racing for {@code _latest.json}
 * lose nothing; and a publish killed at any step is retried to one end state. Real MariaDB and
 * S3Proxy throughout.
 */
class PublishedSnapshotsTest {
  private static final LocalStack stack = LocalStack.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "databases: {snap: {tables: {items: {columns: {}}}}}";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
  private static final String[][] BOUNDS = {{null, "1000"}, {"1000", "2000"}, {"2000", null}};

  @BeforeEach
  void source() throws Exception {
    stack.database("snap", "CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR(40))",
        "INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_3000");
  }

  private static PipelineConfig config(String bucket) {
    return LocalStack.config(bucket, "databases: [snap]\nplanning: {rowsPerRange: 1000}\n");
  }

  private static Engines engines(String bucket, ObjectStore store) {
    return new Engines(config(bucket), new MapSecretSource(stack.secrets("snap")), store);
  }

  /** The table's three ranges exported under one attempt, in their slim form. */
  private static List<SlimExportResult> export(TableExporter exporter, String runId, String attempt, String runDate) {
    List<SlimExportResult> out = new ArrayList<>();
    for (int i = 0; i < BOUNDS.length; i++) {
      out.add(exporter.results().save(exporter.export(new ExportRequest(runId, attempt, runDate, "snap", "items",
          new KeyRange(i, "id", BOUNDS[i][0], BOUNDS[i][1])))));
    }
    return out;
  }

  private static PublishRequest request(String runId, String attempt, String runDate, List<SlimExportResult> exports) {
    return new PublishRequest(runId, attempt, runDate, "snap", "items", exports.size(), exports);
  }

  @Test
  void aRerunOfAPublishedDateLeavesEveryFileTheOldManifestListsAndMovesLatestOnce() throws Exception {
    String bucket = stack.bucket("snap-rerun");
    WatchedStore store = new WatchedStore(stack.store(bucket));
    Engines engines = engines(bucket, store);
    MaskingPolicy policy = MaskingPolicy.parse("m.yaml", POLICY);
    PlanInput rerun = new PlanInput(List.of("items"), "2026-11-26", false, "daily", null);

    RunPlan first = engines.planner(policy, CLOCK, null).plan(rerun);
    assertEquals("1", first.tables().get(0).attempt());
    TableExporter exporter = engines.exporter(policy, ExportListener.NONE);
    PublishResult published = engines.publisher(CLOCK).publish(request("daily", "1", "2026-11-26",
        export(exporter, "daily", "1", "2026-11-26")));

    // A reader takes the manifest and starts on its files.
    byte[] oldManifest = store.get(published.manifestKey());
    Map<String, byte[]> held = new HashMap<>();
    for (JsonNode f : JSON.readTree(oldManifest).get("files")) {
      held.put(f.get("key").asText(), store.get(f.get("key").asText()));
    }
    String latestKey = new BucketLayout("exports").latestKey(RunTable.of("snap", "items", "2026-11-26", "daily", "1"));
    int latestWrites = store.writes(latestKey);

    // Meanwhile the date is re-run with the same run id, over a source that changed.
    try (Connection c = stack.mysql.connect("snap"); Statement s = c.createStatement()) {
      s.execute("DELETE FROM items WHERE id > 2900");
      s.execute("UPDATE items SET label = 'changed'");
    }
    RunPlan second = engines.planner(policy, CLOCK, null).plan(rerun);
    assertEquals("2", second.tables().get(0).attempt(), "a published attempt is never written again");
    assertTrue(second.tables().get(0).note().contains("attempt 1 stays as published"), second.tables().get(0).note());
    List<String> touched = new ArrayList<>();
    store.watch((op, key) -> {
      if (held.containsKey(key) || key.equals(published.manifestKey())) {
        touched.add(op + " " + key);
      }
    });
    PublishResult republished = engines.publisher(CLOCK).publish(request("daily", "2", "2026-11-26",
        export(exporter, "daily", "2", "2026-11-26")));

    assertEquals(List.of(), touched, "nothing the first manifest lists was written, deleted or begun again");
    assertEquals(2900, republished.rows());
    assertTrue(republished.manifestKey().contains("/run=daily/attempt=2/"), republished.manifestKey());
    assertArrayEquals(oldManifest, store.get(published.manifestKey()), "the old manifest is as the reader read it");
    for (Map.Entry<String, byte[]> f : held.entrySet()) {
      assertArrayEquals(f.getValue(), store.get(f.getKey()), f.getKey() + " is still readable and unchanged");
    }
    assertEquals(latestWrites + 1, store.writes(latestKey), "_latest.json moved once");
    assertEquals(republished.manifestKey(), JSON.readTree(store.get(latestKey)).get("manifest").asText());
    assertEquals("2", JSON.readTree(store.get(latestKey)).get("attempt").asText());
  }

  @Test
  void twoConcurrentPublishesOfOneTableEndOnTheNewerRunWhicheverWritesFirst() throws Exception {
    for (boolean newerFirst : new boolean[] {true, false}) {
      String bucket = stack.bucket("snap-race");
      WatchedStore store = new WatchedStore(stack.store(bucket));
      TableExporter exporter = engines(bucket, store).exporter(MaskingPolicy.parse("m.yaml", POLICY),
          ExportListener.NONE);
      PublishRequest older = request("older", "1", "2026-11-25", export(exporter, "older", "1", "2026-11-25"));
      PublishRequest newer = request("newer", "1", "2026-11-26", export(exporter, "newer", "1", "2026-11-26"));
      String latestKey = new BucketLayout("exports").latestKey(newer);

      // Both read _latest.json before either writes it; then one writes first, the other after it.
      CyclicBarrier bothRead = new CyclicBarrier(2);
      ThreadLocal<Boolean> waited = ThreadLocal.withInitial(() -> false);
      store.watch((op, key) -> {
        if (key.equals(latestKey) && !waited.get()) {
          if (op.equals("getTagged")) {
            await(bothRead);
          } else if (op.equals("putIf")) {
            waited.set(true);
            boolean isNewer = Thread.currentThread().getName().equals("newer");
            if (isNewer != newerFirst) {
              sleep(300);
            }
          }
        }
      });
      // _latest.json exists from an earlier run, so both readers see a tag and race with If-Match.
      store.put(latestKey, "{\"runDate\":\"2026-11-01\",\"runId\":\"first\"}".getBytes(), "application/json");
      ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r));
      try {
        Future<PublishResult> o = pool.submit(() -> {
          Thread.currentThread().setName("older");
          return new TablePublisher(store, "exports", CLOCK).publish(older);
        });
        Future<PublishResult> n = pool.submit(() -> {
          Thread.currentThread().setName("newer");
          return new TablePublisher(store, "exports", CLOCK).publish(newer);
        });
        PublishResult olderResult = o.get(60, TimeUnit.SECONDS);
        PublishResult newerResult = n.get(60, TimeUnit.SECONDS);
        JsonNode latest = JSON.readTree(store.get(latestKey));
        assertEquals("newer", latest.get("runId").asText(), "never lost, with the newer run writing "
            + (newerFirst ? "first" : "second"));
        assertEquals(newerResult.manifestKey(), latest.get("manifest").asText());
        assertEquals("moved here", newerResult.latest());
        if (newerFirst) {
          assertTrue(olderResult.latest().startsWith("kept on 2026-11-26 (run newer)"), olderResult.latest());
          assertEquals(1, store.writes(latestKey) - 1, "only the newer run wrote it");
        } else {
          assertEquals("moved here", olderResult.latest(), "the older run moved it first, then the newer one");
          assertEquals(2, store.writes(latestKey) - 1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * A conditional PUT whose answer is lost may have been written (S3 then refuses the SDK's retry of
   * it, or every try fails): the publisher reads the pointer again, finds it already there and stops,
   * instead of failing the table or writing it twice. The same for the manifest: the retried publish
   * finds it written and finishes the same snapshot.
   */
  @Test
  void aPointerOrManifestWriteWhoseAnswerIsLostIsFoundWrittenByReadingAgain() throws Exception {
    BucketLayout layout = new BucketLayout("exports");
    String bucket = stack.bucket("snap-lost");
    WatchedStore store = new WatchedStore(stack.store(bucket));
    TableExporter exporter = engines(bucket, store).exporter(MaskingPolicy.parse("m.yaml", POLICY), ExportListener.NONE);
    PublishRequest request = request("r1", "1", "2026-11-26", export(exporter, "r1", "1", "2026-11-26"));
    String latestKey = layout.latestKey(request);
    store.put(latestKey, "{\"runDate\":\"2026-11-01\",\"runId\":\"first\"}".getBytes(), "application/json");

    PublishResult published = new TablePublisher(store.loseAnswerOfNextWrite(latestKey), "exports", CLOCK)
        .publish(request);
    assertEquals("points here", published.latest(), "written, its answer lost, found by reading again");
    assertEquals(published.manifestKey(), JSON.readTree(store.get(latestKey)).get("manifest").asText());
    assertEquals(2, store.writes(latestKey), "the earlier run's pointer, then this one, once");

    // The manifest's answer lost: the publish fails as transient (the ASL retries it), and the retry
    // finds the manifest written and finishes that snapshot.
    String bucket2 = stack.bucket("snap-lost");
    WatchedStore store2 = new WatchedStore(stack.store(bucket2));
    TableExporter exporter2 = engines(bucket2, store2).exporter(MaskingPolicy.parse("m.yaml", POLICY),
        ExportListener.NONE);
    PublishRequest request2 = request("r1", "1", "2026-11-26", export(exporter2, "r1", "1", "2026-11-26"));
    store2.loseAnswerOfNextWrite(layout.manifestKey(request2));
    assertThrows(StorageUnavailableException.class, () -> new TablePublisher(store2, "exports", CLOCK)
        .publish(request2));
    byte[] manifest = store2.get(layout.manifestKey(request2));
    assertNotNull(manifest, "the manifest was written");
    assertEquals("moved here", new TablePublisher(store2, "exports", CLOCK).publish(request2).latest());
    assertArrayEquals(manifest, store2.get(layout.manifestKey(request2)), "the retry kept the manifest written");
    assertNotNull(store2.get(layout.successKey(request2)));
  }

  /** Where a publish is killed: each point is one step of docs/data-contract.md's publishing order. */
  private enum Kill {
    AFTER_FIRST_STRAY("delete", BucketLayout.EXPORTS + "00009.json"),
    BEFORE_MANIFEST("putIf", BucketLayout.MANIFEST),
    AFTER_MANIFEST("putIf", BucketLayout.SUCCESS),
    AFTER_SUCCESS("list", BucketLayout.LATEST),
    BEFORE_LATEST("putIf", BucketLayout.LATEST);

    final String op;
    final String keyEnd;

    Kill(String op, String keyEnd) {
      this.op = op;
      this.keyEnd = keyEnd;
    }
  }

  @Test
  void aPublishKilledAtEachStepIsRetriedToOneEndState() throws Exception {
    Map<String, String> reference = null;
    for (Kill kill : Kill.values()) {
      String bucket = stack.bucket("snap-kill");
      WatchedStore store = new WatchedStore(stack.store(bucket));
      TableExporter exporter = engines(bucket, store).exporter(MaskingPolicy.parse("m.yaml", POLICY),
          ExportListener.NONE);
      PublishRequest request = request("r1", "1", "2026-11-26", export(exporter, "r1", "1", "2026-11-26"));
      String attempt = new BucketLayout("exports").runFolder(request);
      // Leftovers of an earlier try at this attempt: a part and a result no export reports.
      store.put(attempt + "part-00001-00007.parquet", new byte[] {1, 2, 3}, "application/octet-stream");
      store.put(attempt + BucketLayout.EXPORTS + "00009.json", "{}".getBytes(), "application/json");

      store.watch((op, key) -> {
        if (op.equals(kill.op) && key.endsWith(kill.keyEnd)) {
          throw new IllegalStateException("killed " + kill);
        }
      });
      IllegalStateException killed = assertThrows(IllegalStateException.class,
          () -> new TablePublisher(store, "exports", CLOCK).publish(request));
      assertEquals("killed " + kill, killed.getMessage());
      store.watch((op, key) -> {});
      PublishResult retried = new TablePublisher(store, "exports", CLOCK).publish(request);
      assertEquals(3000, retried.rows());
      assertEquals("moved here", retried.latest(), kill.name());
      assertEquals("points here", new TablePublisher(store, "exports", CLOCK).publish(request).latest(),
          "and again: nothing left to do");

      Map<String, String> end = endState(store, "exports/snap/items/");
      assertNotNull(end.get(attempt.substring("exports/snap/items/".length()) + BucketLayout.SUCCESS), kill.name());
      if (reference == null) {
        reference = end;
      } else {
        assertEquals(reference, end, "the end state after a kill " + kill + " and a retry");
      }
    }
  }

  @Test
  void aPublishedAttemptIsNeverPublishedWithOtherFiles() throws Exception {
    String bucket = stack.bucket("snap-other");
    ObjectStore store = stack.store(bucket);
    TableExporter exporter = engines(bucket, store).exporter(MaskingPolicy.parse("m.yaml", POLICY), ExportListener.NONE);
    List<SlimExportResult> exports = export(exporter, "r1", "1", "2026-11-26");
    PublishResult published = new TablePublisher(store, "exports", CLOCK).publish(request("r1", "1", "2026-11-26",
        exports));
    byte[] manifest = store.get(published.manifestKey());
    Map<String, String> before = endState(store, "exports/snap/items/");
    try (Connection c = stack.mysql.connect("snap"); Statement s = c.createStatement()) {
      s.execute("DELETE FROM items WHERE id > 2990");
    }
    // Range 2 exported again into the published attempt, behind the publisher's back: refused before
    // anything is written, so no file the manifest lists is ever rewritten.
    IntegrityException rewrite = assertThrows(IntegrityException.class, () -> exporter.export(new ExportRequest("r1",
        "1", "2026-11-26", "snap", "items", new KeyRange(2, "id", "2000", null))));
    assertEquals("snap.items: attempt 1 of run r1 is published (its _SUCCESS is there) and is never written again;"
        + " run the table again: PlanRun gives it a new attempt", rewrite.getMessage());
    assertEquals(before, endState(store, "exports/snap/items/"), "nothing in the table's folder changed");
    // A publish of other files (here, fewer ranges) into the published attempt is refused as well.
    IntegrityException e = assertThrows(IntegrityException.class,
        () -> new TablePublisher(store, "exports", CLOCK).publish(request("r1", "1", "2026-11-26",
            exports.subList(0, 2))));
    assertTrue(e.getMessage().contains("attempt 1 of run r1 is already published with other files"), e.getMessage());
    assertArrayEquals(manifest, store.get(published.manifestKey()), "the manifest stays as it was");
  }

  /** Every key under a table's folder (relative to it) with its content; export results only by presence. */
  private static Map<String, String> endState(ObjectStore store, String tableFolder) {
    Map<String, String> out = new TreeMap<>();
    for (ObjectStore.StoredObject o : store.list(tableFolder)) {
      String rel = o.key().substring(tableFolder.length());
      boolean text = rel.endsWith(BucketLayout.MANIFEST) || rel.endsWith(BucketLayout.LATEST);
      out.put(rel, text ? new String(store.get(o.key())) : rel.contains(BucketLayout.EXPORTS) ? "result" : "" + o.size());
    }
    return out;
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
