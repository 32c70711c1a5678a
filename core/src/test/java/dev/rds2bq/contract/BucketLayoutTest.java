package dev.rds2bq.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every key of the S3 layout as docs/data-contract.md spells it, with and without a prefix. */
class BucketLayoutTest {
  private static final RunTable USERS = RunTable.of("clinic", "users", "2025-06-01", "20250601-0300", "1");

  @Test
  void keysUnderAPrefix() {
    BucketLayout layout = new BucketLayout("rds2bq");
    String run = "rds2bq/clinic/users/dt=2025-06-01/run=20250601-0300/attempt=1/";
    assertEquals("rds2bq/", layout.root());
    assertEquals("rds2bq/clinic/users/", layout.tableFolder(USERS));
    assertEquals(run, layout.runFolder(USERS));
    assertEquals(run + "part-00003-00000.parquet", layout.dataFileKey(USERS, "00003", 0));
    assertEquals(run + "part-full-00012.parquet", layout.dataFileKey(USERS, "full", 12));
    assertEquals(run + "_manifest.json", layout.manifestKey(USERS));
    assertEquals(run + "_SUCCESS", layout.successKey(USERS));
    assertEquals("rds2bq/clinic/users/_latest.json", layout.latestKey(USERS));
    assertEquals("rds2bq/_plans/", layout.plansFolder());
    assertEquals("rds2bq/_plans/dt=2025-06-01/run=20250601-0300/plan-20250601T030000Z-1a2b.json",
        layout.planKey("2025-06-01", "20250601-0300", "20250601T030000Z-1a2b"));
    assertEquals("s3://acme/" + run + "part-*.parquet", layout.dataPath("acme", USERS));
  }

  @Test
  void keysWithoutAPrefixStartAtTheDatabase() {
    BucketLayout layout = new BucketLayout("");
    assertEquals("", layout.root());
    assertEquals("clinic/users/dt=2025-06-01/run=20250601-0300/attempt=1/", layout.runFolder(USERS));
    assertEquals("clinic/users/_latest.json", layout.latestKey(USERS));
    assertEquals("_plans/dt=2025-06-01/run=20250601-0300/plan-x.json", layout.planKey("2025-06-01", "20250601-0300", "x"));
  }

  @Test
  void everyAttemptHasAFolderOfItsOwnUnderTheRun() {
    BucketLayout layout = new BucketLayout("rds2bq");
    RunTable second = RunTable.of("clinic", "users", "2025-06-01", "20250601-0300", "2");
    assertEquals("rds2bq/clinic/users/dt=2025-06-01/run=20250601-0300/", layout.attemptsFolder(second));
    assertEquals("rds2bq/clinic/users/dt=2025-06-01/run=20250601-0300/attempt=2/", layout.runFolder(second));
    assertEquals("s3://acme/rds2bq/clinic/users/dt=2025-06-01/run=20250601-0300/attempt=2/part-*.parquet",
        layout.dataPath("acme", second));
    assertEquals("s3://acme/rds2bq/clinic/users/dt=2025-06-01/run=20250601-0300/attempt=2/keys-*.parquet",
        layout.keysPath("acme", second));
    assertTrue(!layout.keyFileKey(second, "r0001", 0).matches(".*/part-.*"),
        "a key file is never matched by the data's path, whose wildcard spans folders");
    assertEquals("2", layout.attemptOf(second, layout.manifestKey(second)));
    assertEquals("12", layout.attemptOf(second, layout.attemptsFolder(second) + "attempt=12/part-full-00000.parquet"));
    assertEquals(null, layout.attemptOf(second, layout.attemptsFolder(second) + "attempt=01/x"));
    assertEquals(null, layout.attemptOf(second, layout.latestKey(second)));
    for (String bad : new String[] {null, "", "0", "01", "a", "1/../2"}) {
      RunTable t = RunTable.of("clinic", "users", "2025-06-01", "20250601-0300", bad);
      assertTrue(assertThrowsInvalid(() -> layout.runFolder(t)).contains("attempt must be a number from 1"));
    }
    assertEquals("2025-06-01", BucketLayout.runDateIn(layout.dataPath("acme", second)));
  }

  @Test
  void planKeysOfARunAreRecognisedAndNothingElse() {
    BucketLayout layout = new BucketLayout("rds2bq");
    assertTrue(layout.isPlanKeyOf(layout.planKey("2025-06-01", "r1", "p1"), "2025-06-01", "r1"));
    assertFalse(layout.isPlanKeyOf(layout.planKey("2025-06-01", "r2", "p1"), "2025-06-01", "r1"));
    assertFalse(layout.isPlanKeyOf("other/_plans/dt=2025-06-01/run=r1/plan-p1.json", "2025-06-01", "r1"));
    assertFalse(layout.isPlanKeyOf("rds2bq/_plans/dt=2025-06-01/run=r1/plan-../../x.json", "2025-06-01", "r1"));
    assertFalse(layout.isPlanKeyOf(null, "2025-06-01", "r1"));
  }

  private static String assertThrowsInvalid(org.junit.jupiter.api.function.Executable e) {
    return org.junit.jupiter.api.Assertions.assertThrows(dev.rds2bq.error.InvalidInputException.class, e).getMessage();
  }

  @Test
  void aNamedSourcesTablesLiveUnderItsOwnFolder() {
    BucketLayout layout = new BucketLayout("rds2bq");
    RunTable app = RunTable.of("app", "clinic", "users", "2025-06-01", "20250601-0300", "1");
    RunTable billing = RunTable.of("billing", "clinic", "users", "2025-06-01", "20250601-0300", "1");
    assertEquals("rds2bq/app/clinic/users/", layout.tableFolder(app));
    assertEquals("rds2bq/app/clinic/users/dt=2025-06-01/run=20250601-0300/attempt=1/_manifest.json", layout.manifestKey(app));
    assertEquals("rds2bq/billing/clinic/users/_latest.json", layout.latestKey(billing));
    // Same database and table in two sources, and the single source's layout: three folders.
    assertEquals(3, java.util.Set.of(layout.tableFolder(app), layout.tableFolder(billing), layout.tableFolder(USERS))
        .size());
    ExportRequest request = new ExportRequest("app", "20250601-0300", "1", "2025-06-01", "clinic", "users", null);
    SlimExportResult slim = new SlimExportResult("app", "20250601-0300", "1", "2025-06-01", "clinic", "users", null, 0, 1,
        10, 5, "_exports/full.json");
    PublishRequest publish = new PublishRequest("app", "20250601-0300", "1", "2025-06-01", "clinic", "users", 1,
        java.util.List.of(slim));
    assertEquals(layout.runFolder(app), layout.runFolder(request));
    assertEquals(layout.runFolder(app), layout.runFolder(slim));
    assertEquals(layout.runFolder(app), layout.runFolder(publish));
  }

  @Test
  void resultKeysAreRelativeToTheRunFolderAndStayUnderExports() {
    assertEquals("_exports/00003.json", BucketLayout.resultKey("00003"));
    assertTrue(BucketLayout.isResultKey("_exports/full.json"));
    assertFalse(BucketLayout.isResultKey("_exports/"));
    assertFalse(BucketLayout.isResultKey("_exports/../_manifest.json"));
    assertFalse(BucketLayout.isResultKey("part-full-00000.parquet"));
    assertFalse(BucketLayout.isResultKey(null));
  }

  @Test
  void everyRequestAndResultOfATableNamesTheSameFolder() {
    BucketLayout layout = new BucketLayout("rds2bq");
    ExportRequest request = new ExportRequest("20250601-0300", "1", "2025-06-01", "clinic", "users", null);
    SlimExportResult slim = new SlimExportResult("20250601-0300", "1", "2025-06-01", "clinic", "users", null, 0, 1, 10,
        5, "_exports/full.json");
    PublishRequest publish = new PublishRequest("20250601-0300", "1", "2025-06-01", "clinic", "users", 1, java.util.List.of(slim));
    assertEquals(layout.runFolder(USERS), layout.runFolder(request));
    assertEquals(layout.runFolder(USERS), layout.runFolder(slim));
    assertEquals(layout.runFolder(USERS), layout.runFolder(publish));
  }

  @Test
  void policyPatternsAreRelativeToThePrefix() {
    assertEquals("_plans/*", BucketLayout.PLANS_PATTERN);
    assertEquals("*/_exports/*", BucketLayout.EXPORT_RESULTS_PATTERN);
    assertEquals("*/_manifest.json", BucketLayout.MANIFESTS_PATTERN);
    assertEquals("*.parquet", BucketLayout.DATA_FILES_PATTERN);
  }
}
