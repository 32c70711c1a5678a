package dev.rds2bq.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.load.handler.CheckLoadsHandler;
import dev.rds2bq.load.handler.StartLoadsHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The samples in events/StartLoads/ and events/CheckLoads/ through the handlers' stream interface. */
class LoadHandlersEventsTest {
  private final LoadTestbed bed = LoadTestbed.get();

  private static InputStream event(String path) {
    return LoadHandlersEventsTest.class.getResourceAsStream("/events/" + path);
  }

  @Test
  void startLoadsSampleLoadsThePublishedTableAndSkipsTheFailedOne() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("events", PipelineConfig.WriteDisposition.WRITE_TRUNCATE,
        PipelineConfig.SchemaChanges.ADD_COLUMNS);
    GoogleClients clients = bed.clients(config);
    // The sample's manifest key: rds2bq/shop/customer/dt=2026-11-26/run=20261126-0300/attempt=1/_manifest.json
    bed.publish("shop", "customer", "20261126-0300", LoadFlowTest.CUSTOMER, 2, 3);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new StartLoadsHandler(bed.starter(config, clients, bed.goodKey()))
        .handleRequest(event("StartLoads/run-with-one-failed-table.json"), out, null);
    LoadsStatus started = LoadTestbed.JSON.readValue(out.toByteArray(), LoadsStatus.class);
    assertEquals(List.of("customer"), started.loads().stream().map(TableLoad::table).toList());

    assertEquals("PENDING", started.loads().get(0).state());
    assertEquals(1, bed.google.transfers().runPending(List.of(started.loads().get(0).runName())));
    ByteArrayOutputStream next = new ByteArrayOutputStream();
    new CheckLoadsHandler(bed.checker(config, clients))
        .handleRequest(new ByteArrayInputStream(LoadTestbed.JSON.writeValueAsBytes(started)), next, null);
    LoadsStatus status = LoadTestbed.JSON.readValue(next.toByteArray(), LoadsStatus.class);
    assertTrue(status.done());
    assertEquals("SUCCEEDED", status.loads().get(0).state());
    assertEquals(5L, status.loads().get(0).destinationRows());
  }

  @Test
  void checkLoadsSampleFailsTheLoadNamingTheTableWhenItsRunIsUnknown() throws Exception {
    BigQueryConfig config = LoadTestbed.bigQuery("events", PipelineConfig.WriteDisposition.WRITE_TRUNCATE,
        PipelineConfig.SchemaChanges.ADD_COLUMNS);
    CheckLoadsHandler handler = new CheckLoadsHandler(bed.checker(config, bed.clients(config)));
    // The sample's transfer run exists in Google's project, not in this stand-in: NOT_FOUND, so that
    // load fails with the fix, and the call itself succeeds (other loads would still be checked).
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(event("CheckLoads/one-load-pending.json"), out, null);
    LoadsStatus status = LoadTestbed.JSON.readValue(out.toByteArray(), LoadsStatus.class);
    assertTrue(status.done());
    TableLoad load = status.loads().get(0);
    assertEquals("FAILED", load.state());
    String error = load.errors().get(0);
    assertTrue(error.startsWith("ERROR: table shop.customer: ") && error.contains("NOT_FOUND")
        && error.contains("bigquery.location"), error);
  }

  @Test
  void malformedInputIsInvalidInput() {
    BigQueryConfig config = LoadTestbed.bigQuery("events", PipelineConfig.WriteDisposition.WRITE_TRUNCATE,
        PipelineConfig.SchemaChanges.ADD_COLUMNS);
    StartLoadsHandler handler = new StartLoadsHandler(bed.starter(config, bed.clients(config), bed.goodKey()));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> handler.handleRequest(
        new ByteArrayInputStream("{\"runId\":\"r1\"}".getBytes()), new ByteArrayOutputStream(), null));
    assertTrue(e.getMessage().contains("tables"), e.getMessage());
  }
}
