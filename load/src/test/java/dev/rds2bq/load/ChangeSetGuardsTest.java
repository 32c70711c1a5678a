package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.config.PipelineConfig.SchemaChanges;
import dev.rds2bq.config.PipelineConfig.WriteDisposition;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.storage.S3ObjectStore;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * docs/loading.md#merge, the guards StartLoads puts before a change set's merge: a change set older
 * than what BigQuery took is SUPERSEDED (merging it would set rows back), a change set with no table
 * to merge into fails naming the fix, and a table no longer incremental cannot merge one.
 */
class ChangeSetGuardsTest {
  private final LoadTestbed bed = LoadTestbed.get();
  private static final PipelineConfig.IncrementalConfig INCREMENTAL = new PipelineConfig.IncrementalConfig(null,
      Map.of("shop.visits", new PipelineConfig.IncrementalTable(null, "updated_at", "30s")));

  /** The snapshot rewritten as a change set of window (after, upTo], matched by customer_id. */
  private TableOutcome changeSet(String runId, String after, String upTo) throws Exception {
    TableOutcome published = bed.publish("shop", "visits", runId, LoadFlowTest.CUSTOMER, 3);
    String key = published.publish().manifestKey();
    ObjectNode m = (ObjectNode) LoadTestbed.JSON.readTree(
        bed.s3Client.getObjectAsBytes(b -> b.bucket(LoadTestbed.BUCKET).key(key)).asByteArray());
    m.put("kind", "changes");
    m.putObject("window").put("column", "updated_at").put("after", after).put("upTo", upTo);
    m.putArray("primaryKey").add("customer_id");
    bed.s3Client.putObject(b -> b.bucket(LoadTestbed.BUCKET).key(key),
        RequestBody.fromBytes(LoadTestbed.JSON.writeValueAsBytes(m)));
    return published;
  }

  private TableLoad start(BigQueryConfig config, PipelineConfig.IncrementalConfig incremental, String runId,
      TableOutcome outcome) {
    Supplier<S3AccessKey> key = bed::goodKey;
    LoadStarter starter = new LoadStarter(new S3ObjectStore(bed.s3Client, LoadTestbed.BUCKET, 8 << 20),
        LoadTestbed.BUCKET, new BucketLayout(LoadTestbed.PREFIX), config, bed.clients(config), key, bed.clock,
        incremental);
    return starter.start(new StartLoadsRequest(runId, "2026-11-26", List.of(outcome))).loads().get(0);
  }

  @Test
  void aChangeSetBehindBigQueryIsSupersededAndOneWithoutATableOrConfigFails() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("guards", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);

    TableLoad noTable = start(config, INCREMENTAL, "cs-1", changeSet("cs-1", "2026-11-01 00:00:00",
        "2026-11-01 00:05:00"));
    assertEquals("FAILED", noTable.state(), noTable.toString());
    assertTrue(noTable.errors().get(0).contains("does not exist to merge it into; run the table as a full snapshot"
        + " (\"modes\": {\"shop.visits\": \"full\"})"), noTable.toString());

    TableLoad notIncremental = start(config, new PipelineConfig.IncrementalConfig(null, null), "cs-2",
        changeSet("cs-2", "2026-11-01 00:00:00", "2026-11-01 00:05:00"));
    assertEquals("FAILED", notIncremental.state(), notIncremental.toString());
    assertTrue(notIncremental.errors().get(0).contains("is no longer in incremental.tables"), notIncremental.toString());

    // BigQuery took a change set up to 00:10; one up to 00:05 published later must not be merged over it.
    String state = LoadTestbed.PREFIX + "/shop/visits/_state.json";
    bed.s3Client.putObject(b -> b.bucket(LoadTestbed.BUCKET).key(state), RequestBody.fromString("{\"cursor\":"
        + " \"updated_at\", \"loaded\": {\"cursor\": \"updated_at\", \"mark\": \"2026-11-01 00:10:00\", \"manifest\":"
        + " \"m-newer\"}}"));
    TableLoad behind = start(config, INCREMENTAL, "cs-3", changeSet("cs-3", "2026-11-01 00:00:00",
        "2026-11-01 00:05:00"));
    assertEquals(TableLoad.SUPERSEDED, behind.state(), behind.toString());
    assertTrue(behind.superseded().endsWith("merging it would set rows back"), behind.toString());
    assertEquals(null, behind.runName(), "nothing was started");
  }
}
