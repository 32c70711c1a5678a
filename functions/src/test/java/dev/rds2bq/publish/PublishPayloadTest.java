package dev.rds2bq.publish;

import dev.rds2bq.contract.PublishRequest;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rds2bq.contract.AnyExportResult;
import dev.rds2bq.contract.ExportResult;
import dev.rds2bq.contract.ExportResult.ColumnEntry;
import dev.rds2bq.contract.ExportResult.FileEntry;
import dev.rds2bq.contract.ExportResultStore;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.SlimExportResult;
import dev.rds2bq.contract.RunPlan.TablePlan;
import dev.rds2bq.storage.DiscardingObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The payload sizes behind docs/state-machine.md's limits: a table's export results all pass to
 * PublishTable in one Step Functions payload (256 KiB). In full, with their per-column mappings, 500
 * ranges of a 20-column table do not fit; in the slim form ExportTable returns, 1,000 do. The state
 * that holds them also holds the table's plan entry: with the plan inline, its range bounds too.
 */
class PublishPayloadTest {
  static final int LIMIT = 256 * 1024;
  static final String RUN_ID = "20261126T180000Z-1a2b";
  static final String RUN_DATE = "2026-11-27";
  static final String DATABASE = "production_app";
  static final String TABLE = "customer_events";
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void fiveHundredFullResultsDoNotFitAndAThousandSlimOnesDo() throws Exception {
    ExportResultStore results = new ExportResultStore(new DiscardingObjectStore(), "rds2bq");
    List<ExportResult> full = new ArrayList<>();
    List<SlimExportResult> slim = new ArrayList<>();
    List<KeyRange> ranges = new ArrayList<>();
    int maxSlim = 0;
    for (int r = 0; r < 1000; r++) {
      KeyRange range = range(r, 1000);
      ranges.add(range);
      ExportResult result = result(range);
      full.add(result);
      SlimExportResult s = results.save(result);
      slim.add(s);
      maxSlim = Math.max(maxSlim, JSON.writeValueAsBytes(s).length);
    }
    int full500 = input(full.subList(0, 500));
    int slim500 = input(slim.subList(0, 500));
    int slim1000 = input(slim);
    double perFull = (full500 - input(List.of())) / 500.0;
    double perSlim = (slim1000 - input(List.of())) / 1000.0;
    // The iteration's state once the exports are collected: with the plan inline, the table's ranges
    // are in it too; with the plan in S3, only their ids.
    List<Integer> ids = ranges.stream().map(KeyRange::id).toList();
    int inline1000 = state(ranges, null, slim);
    int inline850 = state(ranges.subList(0, 850), null, slim.subList(0, 850));
    int stored1000 = state(null, ids, slim);
    double perInline = (inline1000 - state(List.of(), null, List.of())) / 1000.0;
    double perStored = (stored1000 - state(null, List.of(), List.of())) / 1000.0;

    System.out.printf("PublishTable input of a 20-column table: 500 full results %,d bytes (%,.0f per range, room"
            + " for %,d ranges); 500 slim %,d bytes, 1,000 slim %,d bytes (%,.0f per range, at most %d, room for"
            + " %,d).%nThe table's state after its exports, 1,000 ranges: plan inline %,d bytes (%,.0f per range,"
            + " room for %,d; 850 ranges %,d bytes), plan in S3 %,d bytes (%,.0f per range, room for %,d)%n",
        full500, perFull, (int) (LIMIT / perFull), slim500, slim1000, perSlim, maxSlim, (int) (LIMIT / perSlim),
        inline1000, perInline, (int) (LIMIT / perInline), inline850, stored1000, perStored, (int) (LIMIT / perStored));
    assertTrue(full500 > LIMIT, "500 full results, " + full500 + " bytes, exceed the limit");
    assertTrue(maxSlim < 256, "a slim result is " + maxSlim + " bytes, whatever the columns");
    assertTrue(slim1000 < LIMIT, "1,000 slim results, " + slim1000 + " bytes, fit PublishTable's input");
    assertTrue(stored1000 < LIMIT, "and the state of a plan kept in S3, " + stored1000 + " bytes");
    assertTrue(inline850 < LIMIT, "with the plan inline, 850 ranges fit the state: " + inline850 + " bytes");
  }

  /**
   * The largest state of the table's iteration: the plan's table entry (its ranges when the plan is
   * inline, their ids when it is in S3) and the exports collected next to it (the export Map's
   * ResultPath), from which PublishTable's Parameters take its input.
   */
  private static int state(List<KeyRange> ranges, List<Integer> rangeIds, List<SlimExportResult> exports)
      throws Exception {
    int count = ranges != null ? ranges.size() : rangeIds.size();
    ObjectNode state = JSON.createObjectNode().put("runId", RUN_ID).put("runDate", RUN_DATE)
        .put("planKey", rangeIds == null ? null : "rds2bq/_plans/dt=" + RUN_DATE + "/run=" + RUN_ID + "/plan.json")
        .put("rangeConcurrency", 4);
    state.set("table", JSON.valueToTree(new TablePlan(DATABASE, TABLE, "1", 2_000_000_000L,
        count + " ranges of about 2000000 rows by estimated boundaries of id", count, ranges, rangeIds)));
    state.putObject("exports").set("list", JSON.valueToTree(exports));
    return JSON.writeValueAsBytes(state).length;
  }

  /** PublishTable's input, compact JSON as Step Functions passes it. */
  private static int input(List<? extends AnyExportResult> exports) throws Exception {
    return JSON.writeValueAsBytes(new PublishRequest(RUN_ID, "1", RUN_DATE, DATABASE, TABLE, exports.size(), exports))
        .length;
  }

  /** Ranges of 2 million rows over a 10-digit key, as the plan makes them. */
  private static KeyRange range(int id, int count) {
    long step = 2_000_003L;
    return new KeyRange(id, null, id == 0 ? null : Long.toString(1_000_000_000L + step * id),
        id == count - 1 ? null : Long.toString(1_000_000_000L + step * (id + 1)));
  }

  /** A range of 2 million rows of a 20-column table: one 128 MiB file and a little. */
  private static ExportResult result(KeyRange range) {
    String folder = "rds2bq/" + DATABASE + "/" + TABLE + "/dt=" + RUN_DATE + "/run=" + RUN_ID + "/part-"
        + range.label() + "-";
    List<ColumnEntry> columns = new ArrayList<>();
    columns.add(new ColumnEntry("id", "bigint unsigned", "id", "FIXED_LEN_BYTE_ARRAY(9) DECIMAL(20,0)", "NUMERIC",
        "keep", "not personal", "event id"));
    columns.add(new ColumnEntry("customer_id", "bigint", "customer_id", "INT64", "INT64", "keep", "not personal",
        "customers.id"));
    columns.add(new ColumnEntry("email", "varchar(255)", "email", "BINARY STRING", "STRING", "hash(lowercase)",
        "policy", "login e-mail"));
    columns.add(new ColumnEntry("full_name", "varchar(100)", null, null, null, "drop", "policy", ""));
    columns.add(new ColumnEntry("birthday", "date", "birthday", "INT32 DATE", "STRING", "age_band", "policy", ""));
    for (int c = columns.size(); c < 18; c++) {
      columns.add(new ColumnEntry("attribute_" + c, "varchar(64)", "attribute_" + c, "BINARY STRING", "STRING",
          "keep", "not personal", ""));
    }
    columns.add(new ColumnEntry("created_at", "datetime(3)", "created_at", "INT64 TIMESTAMP(MICROS,false)",
        "DATETIME", "keep", "not personal", ""));
    columns.add(new ColumnEntry("updated_at", "timestamp", "updated_at", "INT64 TIMESTAMP(MICROS,true)",
        "TIMESTAMP", "keep", "not personal", ""));
    return new ExportResult(RUN_ID, "1", RUN_DATE, DATABASE, TABLE, "customer events", range, 2_000_000, 2_000_000,
        List.of(new FileEntry(folder + "00000.parquet", 134_299_871L, 1_958_912),
            new FileEntry(folder + "00001.parquet", 5_914_112L, 41_088)),
        columns, "5d41402abc4b2a76b9719d911017c592e3b0c44298fc1c149afbf4c8996fb924",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "3f9a0c1b2d4e",
        Map.of("last_login", 12L), 183_412);
  }
}
