package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.datatransfer.v1.TransferConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.config.PipelineConfig.SchemaChanges;
import dev.rds2bq.config.PipelineConfig.WriteDisposition;
import dev.rds2bq.error.LoadServiceUnavailableException;
import dev.rds2bq.localgcp.Warehouse;
import io.grpc.Status;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** StartLoads and CheckLoads against the real clients, the DTS and BigQuery stand-ins and S3Proxy. */
class LoadFlowTest {
  private final LoadTestbed bed = LoadTestbed.get();

  static final List<LoadTestbed.Col> CUSTOMER = List.of(
      new LoadTestbed.Col("customer_id", "INT64", "i::BIGINT", "MySQL customer.customer_id int"),
      new LoadTestbed.Col("email", "STRING", "'d' || (i % 3) || '.example'", "masked: email domain of email"),
      new LoadTestbed.Col("birth_decade", "STRING", "(1950 + (i % 5) * 10)::VARCHAR || 's'", "masked: age band from birthday"),
      new LoadTestbed.Col("balance", "NUMERIC", "(i * 1.25)::DECIMAL(12,2)", null));

  private LoadsStatus startAndWait(BigQueryConfig config, GoogleClients clients, S3AccessKey key, String runId,
      TableOutcome... outcomes) throws Exception {
    LoadsStatus started = bed.starter(config, clients, key).start(new StartLoadsRequest(runId, "2026-11-26", List.of(outcomes)));
    return bed.waitDone(bed.checker(config, clients), started);
  }

  @Test
  void publishedSnapshotLoadsWithItsSchemaAndDescriptions() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("happy", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    TableOutcome customer = bed.publish("shop", "customer", "r1", CUSTOMER, 3, 4);
    TableOutcome failed = new TableOutcome("shop", "payment", "FAILED", null);

    LoadsStatus started = bed.starter(config, clients, bed.goodKey())
        .start(new StartLoadsRequest("r1", "2026-11-26", List.of(customer, failed)));
    assertEquals(1, started.loads().size(), "a table that failed to publish is not loaded");
    TableLoad load = started.loads().get(0);
    assertEquals("PENDING", load.state());
    assertEquals("created", load.tableChange());
    assertEquals(LoadTestbed.PROJECT + ".happy.shop__customer", load.destination());
    assertFalse(started.done());

    List<String> loadedMetrics = new java.util.concurrent.CopyOnWriteArrayList<>();
    LoadChecker checker = new LoadChecker(config, clients, Duration.ofMinutes(30), bed.clock,
        new dev.rds2bq.metrics.TableMetrics() {
          @Override public void exported(String d, String t, long r, long b, double s) {}
          @Override public void published(String d, String t, long r) {}
          @Override public void loaded(String d, String t, double seconds) { loadedMetrics.add(d + "." + t); }
          @Override public void runFinished(List<String> failed) {}
        });
    LoadsStatus done = bed.waitDone(checker, started);
    assertEquals(List.of("shop.customer"), loadedMetrics, "LoadSeconds once, when the load ended");
    assertTrue(done.done());
    TableLoad finished = done.loads().get(0);
    assertEquals("SUCCEEDED", finished.state(), () -> String.valueOf(finished.errors()));
    assertEquals(7L, finished.destinationRows());
    assertEquals(7L, finished.rowsPublished());

    Warehouse w = bed.google.warehouse();
    assertEquals(7, w.count("happy", "shop__customer"));
    Map<String, Object> row = w.query("SELECT * FROM happy.shop__customer WHERE customer_id = 6", List.of()).get(0);
    assertEquals("d0.example", row.get("email"));
    assertEquals(0, new BigDecimal("7.50").compareTo((BigDecimal) row.get("balance")));
    Warehouse.Table table = w.table("happy", "shop__customer").orElseThrow();
    assertEquals("masked: age band from birthday", table.fields().get(2).description());
    assertEquals(null, table.fields().get(3).description(), "no description stays none, not the text 'null'");
    assertEquals("INTEGER", table.fields().get(0).type());

    TransferConfig transfer = bed.google.transfers().configs().stream()
        .filter(c -> c.getName().equals(finished.transferConfig())).findFirst().orElseThrow();
    Map<String, String> params = dev.rds2bq.localgcp.LocalDataTransferService.params(transfer);
    assertEquals("s3://" + LoadTestbed.BUCKET + "/rds2bq/shop/customer/dt=2026-11-26/run=r1/attempt=1/part-*.parquet", params.get("data_path"));
    assertEquals("PARQUET", params.get("file_format"));
    assertEquals("WRITE_TRUNCATE", params.get("write_disposition"));
    assertEquals("NUMERIC,BIGNUMERIC", params.get("decimal_target_types"));
    assertEquals("shop__customer", params.get("destination_table_name_template"));
    assertTrue(transfer.getScheduleOptions().getDisableAutoScheduling());
    assertEquals("amazon_s3", transfer.getDataSourceId());
  }

  @Test
  void startingTwiceStartsOneRunAndTruncateReplacesWhileAppendAdds() throws Exception {
    BigQueryConfig truncate = LoadTestbed.bigQuery("idem", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(truncate);
    TableOutcome first = bed.publish("shop", "orders", "idem-1", CUSTOMER, 5);
    StartLoadsRequest request = new StartLoadsRequest("idem-1", "2026-11-26", List.of(first));
    LoadStarter warm = bed.starter(truncate, clients, bed.goodKey()); // one container, called twice
    LoadsStatus a = warm.start(request);
    LoadsStatus b = warm.start(request);
    assertEquals(a.loads().get(0).runName(), b.loads().get(0).runName(), "the second call reuses the first run");
    String config = a.loads().get(0).transferConfig();
    assertEquals(config, b.loads().get(0).transferConfig());
    assertEquals(1, bed.google.transfers().startedRuns(config).size());
    assertEquals("SUCCEEDED", bed.waitDone(bed.checker(truncate, clients), b).loads().get(0).state());
    assertEquals(5, bed.google.warehouse().count("idem", "shop__orders"));

    // Started again once it succeeded: still no second run for the same files.
    bed.starter(truncate, clients, bed.goodKey()).start(request);
    assertEquals(1, bed.google.transfers().startedRuns(config).size());
    assertEquals(1, bed.google.transfers().configs().stream().filter(c -> c.getDestinationDatasetId().equals("idem")).count());

    // The same run id published again (a re-run of the date with its id) is new data: it loads again.
    bed.clock.advance(Duration.ofSeconds(1)); // run times have whole seconds: the next publish is a later one
    TableOutcome republished = bed.publish("shop", "orders", "idem-1", CUSTOMER, 4);
    LoadsStatus again = bed.waitDone(bed.checker(truncate, clients),
        warm.start(new StartLoadsRequest("idem-1", "2026-11-26", List.of(republished))));
    assertEquals(2, bed.google.transfers().startedRuns(config).size());
    assertEquals(4, bed.google.warehouse().count("idem", "shop__orders"));
    assertEquals("SUCCEEDED", again.loads().get(0).state());

    TableOutcome second = bed.publish("shop", "orders", "idem-2", CUSTOMER, 3);
    LoadsStatus next = startAndWait(truncate, clients, bed.goodKey(), "idem-2", second);
    assertEquals("SUCCEEDED", next.loads().get(0).state());
    assertEquals(a.loads().get(0).transferConfig(), next.loads().get(0).transferConfig(), "one config per table");
    assertEquals(3, bed.google.warehouse().count("idem", "shop__orders"), "WRITE_TRUNCATE replaces the snapshot");

    BigQueryConfig append = LoadTestbed.bigQuery("idem", WriteDisposition.WRITE_APPEND, SchemaChanges.ADD_COLUMNS);
    TableOutcome third = bed.publish("shop", "orders", "idem-3", CUSTOMER, 2);
    assertEquals("SUCCEEDED", startAndWait(append, bed.clients(append), bed.goodKey(), "idem-3", third).loads().get(0).state());
    assertEquals(5, bed.google.warehouse().count("idem", "shop__orders"), "WRITE_APPEND adds to it");
  }

  @Test
  void addedColumnUpdatesTheTableAndRetypedColumnFailsNamingIt() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("drift", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    assertEquals("SUCCEEDED", startAndWait(config, clients, bed.goodKey(), "drift-1",
        bed.publish("shop", "customer", "drift-1", CUSTOMER.subList(0, 2), 4)).loads().get(0).state());

    LoadsStatus added = startAndWait(config, clients, bed.goodKey(), "drift-2",
        bed.publish("shop", "customer", "drift-2", CUSTOMER, 4));
    assertEquals("schema updated (added: birth_decade, balance)", added.loads().get(0).tableChange());
    assertEquals("SUCCEEDED", added.loads().get(0).state(), () -> String.valueOf(added.loads().get(0).errors()));
    assertEquals(4L, bed.google.warehouse().query("SELECT count(balance) AS n FROM drift.shop__customer", List.of())
        .get(0).get("n"));

    List<LoadTestbed.Col> retyped = List.of(CUSTOMER.get(0), CUSTOMER.get(1), CUSTOMER.get(2),
        new LoadTestbed.Col("balance", "STRING", "'x'", null));
    LoadsStatus failed = bed.starter(config, clients, bed.goodKey()).start(new StartLoadsRequest("drift-3", "2026-11-26",
        List.of(bed.publish("shop", "customer", "drift-3", retyped, 1))));
    TableLoad load = failed.loads().get(0);
    assertEquals("FAILED", load.state());
    assertTrue(failed.done());
    String error = load.errors().get(0);
    assertTrue(error.contains("table shop.customer") && error.contains("column balance is NUMERIC in BigQuery but STRING"),
        error);
    assertTrue(error.contains("Fix:"), error);
    assertEquals(4, bed.google.warehouse().count("drift", "shop__customer"), "the old snapshot stays");

    BigQueryConfig strict = LoadTestbed.bigQuery("drift", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.FAIL);
    List<LoadTestbed.Col> wider = new java.util.ArrayList<>(CUSTOMER);
    wider.add(new LoadTestbed.Col("city", "STRING", "'Tokyo'", null));
    LoadsStatus refused = bed.starter(strict, bed.clients(strict), bed.goodKey()).start(new StartLoadsRequest("drift-4",
        "2026-11-26", List.of(bed.publish("shop", "customer", "drift-4", wider, 1))));
    assertTrue(refused.loads().get(0).errors().get(0).contains("new column(s) city"), refused.loads().get(0).errors()::toString);
  }

  /**
   * docs/type-mapping.md#json: MySQL JSON travels as Parquet STRING into a STRING column, the one
   * combination Google documents. The Parquet JSON annotation, and a JSON column filled from Parquet,
   * are refused by the stand-in as BigQuery documents neither.
   */
  @Test
  void jsonTextLoadsAsStringAndTheParquetJsonTypeOrAJsonColumnIsRefused() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("jsondocs", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    List<LoadTestbed.Col> asText = List.of(CUSTOMER.get(0),
        new LoadTestbed.Col("prefs", "STRING", "'{\"lang\": \"ja\", \"n\": ' || i || '}'", "MySQL json"));
    TableLoad text = startAndWait(config, clients, bed.goodKey(), "json-1",
        bed.publish("shop", "prefs", "json-1", asText, 3)).loads().get(0);
    assertEquals("SUCCEEDED", text.state(), () -> String.valueOf(text.errors()));
    assertEquals("ja", bed.google.warehouse().query("SELECT prefs->>'$.lang' AS lang FROM jsondocs.shop__prefs"
        + " WHERE customer_id = 2", List.of()).get(0).get("lang"), "the text is the document, queryable as JSON");

    List<LoadTestbed.Col> annotated = List.of(CUSTOMER.get(0),
        new LoadTestbed.Col("prefs", "STRING", "('{\"n\": ' || i || '}')::JSON", "MySQL json"));
    TableLoad refused = startAndWait(config, clients, bed.goodKey(), "json-2",
        bed.publish("shop", "prefs", "json-2", annotated, 2)).loads().get(0);
    assertEquals("FAILED", refused.state());
    assertTrue(refused.errors().get(0).contains("column prefs") && refused.errors().get(0).contains("logical type JSON"),
        refused.errors()::toString);
    assertEquals(3, bed.google.warehouse().count("jsondocs", "shop__prefs"), "the refused load changed nothing");

    List<LoadTestbed.Col> jsonColumn = List.of(CUSTOMER.get(0), new LoadTestbed.Col("doc", "JSON", "'{}'", null));
    TableLoad intoJson = startAndWait(config, clients, bed.goodKey(), "json-3",
        bed.publish("shop", "docs", "json-3", jsonColumn, 1)).loads().get(0);
    assertEquals("FAILED", intoJson.state());
    assertTrue(intoJson.errors().get(0).contains("Field doc") && intoJson.errors().get(0).contains("JSON columns"),
        intoJson.errors()::toString);
  }

  /**
   * docs/type-mapping.md#column-names: flexible names (Japanese, spaces, a leading digit) load as
   * they are; a name BigQuery refuses fails the table when StartLoads creates it, with BigQuery's
   * message, and nothing is loaded.
   */
  @Test
  void flexibleColumnNamesLoadAndANameBigQueryRefusesFailsTheTable() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("flexible", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    List<LoadTestbed.Col> japanese = List.of(
        new LoadTestbed.Col("注文ID", "INT64", "i::BIGINT", "MySQL column 注文ID (int(11))"),
        new LoadTestbed.Col("数量", "INT64", "(i * 2)::BIGINT", null),
        new LoadTestbed.Col("unit price", "STRING", "'¥' || i", null),
        new LoadTestbed.Col("2fa", "BOOL", "i % 2 = 0", null));
    TableLoad loaded = startAndWait(config, clients, bed.goodKey(), "flex-1",
        bed.publish("shop", "注文", "flex-1", japanese, 3)).loads().get(0);
    assertEquals("SUCCEEDED", loaded.state(), () -> String.valueOf(loaded.errors()));
    assertEquals("flexible.shop__注文", loaded.destination().substring(loaded.destination().indexOf('.') + 1));
    Map<String, Object> row = bed.google.warehouse().query("SELECT \"数量\", \"unit price\", \"2fa\" FROM flexible.\"shop__注文\""
        + " WHERE \"注文ID\" = 2", List.of()).get(0);
    assertEquals(4L, ((Number) row.get("数量")).longValue());
    assertEquals("¥2", row.get("unit price"));
    assertEquals(true, row.get("2fa"));

    List<LoadTestbed.Col> dotted = List.of(CUSTOMER.get(0), new LoadTestbed.Col("a.b", "INT64", "1", null));
    TableLoad refused = bed.starter(config, clients, bed.goodKey()).start(new StartLoadsRequest("flex-2", "2026-11-26",
        List.of(bed.publish("shop", "dotted", "flex-2", dotted, 1)))).loads().get(0);
    assertEquals("FAILED", refused.state());
    assertTrue(refused.errors().get(0).contains("Invalid field name \"a.b\"") && refused.errors().get(0).contains("table shop.dotted"),
        refused.errors()::toString);
    assertTrue(bed.google.warehouse().table("flexible", "shop__dotted").isEmpty(), "no table was created");
  }

  @Test
  void permissionDeniedFailsTheTableAtOnceWithTheFix() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("denied", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    TableOutcome outcome = bed.publish("shop", "customer", "denied-1", CUSTOMER, 2);
    long before = bed.google.transfers().faults().calls("ListTransferConfigs");
    bed.google.transfers().faults().failNext("ListTransferConfigs", Status.Code.PERMISSION_DENIED, 1);
    LoadsStatus status = bed.starter(config, clients, bed.goodKey())
        .start(new StartLoadsRequest("denied-1", "2026-11-26", List.of(outcome)));
    assertEquals(before + 1, bed.google.transfers().faults().calls("ListTransferConfigs"), "no retry on PERMISSION_DENIED");
    TableLoad load = status.loads().get(0);
    assertEquals("FAILED", load.state());
    String error = load.errors().get(0);
    assertTrue(error.contains("table shop.customer") && error.contains("PERMISSION_DENIED")
        && error.contains("Data Transfer API") && error.contains("bigquery.admin"), error);

    bed.google.bigQuery().failNext("GET", 403, 1);
    TableLoad viaBigQuery = bed.starter(config, clients, bed.goodKey())
        .start(new StartLoadsRequest("denied-1", "2026-11-26", List.of(outcome))).loads().get(0);
    assertEquals("FAILED", viaBigQuery.state());
    assertTrue(viaBigQuery.errors().get(0).contains("BigQuery answered PERMISSION_DENIED"), viaBigQuery.errors()::toString);
  }

  @Test
  void unavailableTwiceIsRetriedAndUnavailableForeverIsTransient() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("flaky", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    TableOutcome outcome = bed.publish("shop", "customer", "flaky-1", CUSTOMER, 2);
    var faults = bed.google.transfers().faults();
    long creates = faults.calls("CreateTransferConfig");
    long starts = faults.calls("StartManualTransferRuns");
    faults.failNext("CreateTransferConfig", Status.Code.UNAVAILABLE, 2);
    faults.failNext("StartManualTransferRuns", Status.Code.UNAVAILABLE, 2);
    LoadsStatus status = startAndWait(config, clients, bed.goodKey(), "flaky-1", outcome);
    assertEquals("SUCCEEDED", status.loads().get(0).state());
    assertEquals(creates + 3, faults.calls("CreateTransferConfig"));
    assertEquals(starts + 3, faults.calls("StartManualTransferRuns"));
    assertEquals(1, bed.google.transfers().configs().stream()
        .filter(c -> c.getDestinationDatasetId().equals("flaky")).count(), "retries made no second config");

    // GetTransferRun unavailable through all of the client's attempts: the load keeps its state and
    // is checked again at the next poll; past run.loadTimeoutMinutes it fails, naming the fault.
    LoadsStatus again = bed.starter(config, clients, bed.goodKey())
        .start(new StartLoadsRequest("flaky-2", "2026-11-26", List.of(bed.publish("shop", "customer", "flaky-2", CUSTOMER, 1))));
    faults.failNext("GetTransferRun", Status.Code.UNAVAILABLE, 3);
    LoadsStatus unchecked = bed.checker(config, clients).check(again);
    TableLoad kept = unchecked.loads().get(0);
    assertFalse(unchecked.done());
    assertEquals("PENDING", kept.state());
    assertTrue(kept.errors().get(0).startsWith("WARNING: table shop.customer: ") && kept.errors().get(0).contains("UNAVAILABLE")
        && kept.errors().get(0).endsWith("(checked again at the next poll)"), kept.errors()::toString);
    assertEquals("SUCCEEDED", bed.waitDone(bed.checker(config, clients), unchecked).loads().get(0).state());

    LoadsStatus third = bed.starter(config, clients, bed.goodKey())
        .start(new StartLoadsRequest("flaky-3", "2026-11-26", List.of(bed.publish("shop", "customer", "flaky-3", CUSTOMER, 1))));
    faults.failNext("GetTransferRun", Status.Code.UNAVAILABLE, 3);
    TableLoad late = new LoadChecker(config, clients, Duration.ofMinutes(30),
        Clock.offset(bed.clock, Duration.ofMinutes(31))).check(third).loads().get(0);
    assertEquals("FAILED", late.state());
    assertTrue(late.errors().get(0).contains("UNAVAILABLE") && late.errors().get(0).contains("may still run"),
        late.errors()::toString);
  }

  @Test
  void aBatchWithAMissingOrEmptyManifestLoadsTheOtherTables() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("isolated", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    TableOutcome customer = bed.publish("shop", "customer", "iso-1", CUSTOMER, 3);
    TableOutcome orders = bed.publish("shop", "orders", "iso-1", CUSTOMER, 2);
    TableOutcome missing = new TableOutcome("shop", "gone", TableOutcome.PUBLISHED, new TableOutcome.Published(
        LoadTestbed.PREFIX + "/shop/gone/dt=2026-11-26/run=iso-1/attempt=1/_manifest.json", 4, 1));
    TableOutcome empty = bed.publish("shop", "empty", "iso-1", CUSTOMER, 1);
    bed.dropFiles(empty);

    LoadsStatus started = bed.starter(config, clients, bed.goodKey())
        .start(new StartLoadsRequest("iso-1", "2026-11-26", List.of(customer, missing, orders, empty)));
    assertEquals(List.of("customer", "gone", "orders", "empty"), started.loads().stream().map(TableLoad::table).toList());
    TableLoad gone = started.loads().get(1);
    assertEquals("FAILED", gone.state());
    assertEquals(1, gone.errors().size());
    assertTrue(gone.errors().get(0).startsWith("ERROR: table shop.gone: its manifest ")
        && gone.errors().get(0).contains("is not in the bucket"), gone.errors()::toString);
    TableLoad noFiles = started.loads().get(3);
    assertEquals("FAILED", noFiles.state());
    assertTrue(noFiles.errors().get(0).contains("table shop.empty") && noFiles.errors().get(0).contains("lists no files"),
        noFiles.errors()::toString);

    LoadsStatus done = bed.waitDone(bed.checker(config, clients), started);
    assertEquals(List.of("SUCCEEDED", "FAILED", "SUCCEEDED", "FAILED"),
        done.loads().stream().map(TableLoad::state).toList(), done::toString);
    assertEquals(3, bed.google.warehouse().count("isolated", "shop__customer"));
    assertEquals(2, bed.google.warehouse().count("isolated", "shop__orders"));
  }

  @Test
  void aLoadThatCannotBeCheckedFailsAloneAndTheOthersAreWatchedToTheEnd() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("watched", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    LoadsStatus started = bed.starter(config, clients, bed.goodKey()).start(new StartLoadsRequest("watch-1", "2026-11-26",
        List.of(bed.publish("shop", "customer", "watch-1", CUSTOMER, 2), bed.publish("shop", "orders", "watch-1", CUSTOMER, 3))));
    TableLoad first = started.loads().get(0);
    String unknownRun = first.transferConfig() + "/runs/00000000-0000-0000-0000-000000000000";
    LoadsStatus tampered = new LoadsStatus(started.runId(), started.runDate(), started.startedAt(), false, List.of(
        new TableLoad(first.database(), first.table(), first.destination(), first.transferConfig(), unknownRun,
            first.state(), first.rowsPublished(), null, first.tableChange(), null), started.loads().get(1)));

    LoadsStatus checked = bed.checker(config, clients).check(tampered);
    TableLoad lost = checked.loads().get(0);
    assertEquals("FAILED", lost.state());
    assertTrue(lost.errors().get(0).startsWith("ERROR: table shop.customer: checking transfer run")
        && lost.errors().get(0).contains("NOT_FOUND"), lost.errors()::toString);
    LoadsStatus done = bed.waitDone(bed.checker(config, clients), checked);
    assertEquals("SUCCEEDED", done.loads().get(1).state(), done::toString);
    assertEquals(3L, done.loads().get(1).destinationRows());
  }

  @Test
  void failedRunSurfacesTheTransferLog() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("badkey", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    LoadsStatus status = startAndWait(config, clients, new S3AccessKey(dev.rds2bq.localstack.LocalS3.ACCESS_KEY, "wrong-secret"),
        "badkey-1", bed.publish("shop", "customer", "badkey-1", CUSTOMER, 2));
    TableLoad load = status.loads().get(0);
    assertEquals("FAILED", load.state());
    assertNotNull(load.errors());
    assertTrue(load.errors().stream().anyMatch(m -> m.startsWith("ERROR: Error while reading data")
        && m.contains("signature")), load.errors()::toString);
    assertTrue(load.errors().stream().noneMatch(m -> m.contains("wrong-secret")), "the secret key is never echoed");
  }

  @Test
  void errorListsAreKeptShortForThePayload() {
    List<String> brief = TableLoad.brief(List.of("a".repeat(2000), "b", "c", "d"));
    assertEquals(3, brief.size());
    assertEquals(800, brief.get(0).length());
    assertEquals("(2 more in the transfer run's log)", brief.get(2));
  }

  @Test
  void aReplacedSnapshotWithOtherRowsThanPublishedFails() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("count", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    TableOutcome outcome = bed.publish("shop", "customer", "count-1", CUSTOMER, 3);
    bed.tamperRows(outcome, 4);
    TableLoad load = startAndWait(config, bed.clients(config), bed.goodKey(), "count-1", outcome).loads().get(0);
    assertEquals("FAILED", load.state());
    assertEquals(3L, load.destinationRows());
    assertTrue(load.errors().get(0).contains("holds 3 rows where the snapshot has 4"), load.errors()::toString);
  }

  @Test
  void loadsStillRunningPastTheTimeoutAreFailed() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("late", WriteDisposition.WRITE_TRUNCATE, SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    LoadsStatus started = bed.starter(config, clients, bed.goodKey()).start(new StartLoadsRequest("late-1", "2026-11-26",
        List.of(bed.publish("shop", "customer", "late-1", CUSTOMER, 1))));
    LoadChecker later = new LoadChecker(config, clients, Duration.ofMinutes(30),
        Clock.offset(bed.clock, Duration.ofMinutes(31)));
    LoadsStatus checked = later.check(started);
    assertTrue(checked.done());
    assertTrue(checked.loads().get(0).errors().get(0).contains("after 30 minutes"), checked.loads().get(0).errors()::toString);
  }
}
