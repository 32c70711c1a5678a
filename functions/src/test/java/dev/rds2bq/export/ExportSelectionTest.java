package dev.rds2bq.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.contract.ExportRequest;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.testing.LocalStack;
import org.junit.jupiter.api.Test;

/**
 * ExportTable exports only what PlanRun would plan: a database the config does not list, or a table
 * its include/exclude rules leave out, is refused before the source is read, whoever invoked it.
 */
class ExportSelectionTest {
  private static final LocalStack stack = LocalStack.get();
  private static final String POLICY = "databases: {selectdb: {tables: {}}, mysql: {tables: {}}}";

  @Test
  void aDatabaseOrTableTheConfigDoesNotSelectIsRefused() throws Exception {
    stack.database("selectdb", "CREATE TABLE users (id INT PRIMARY KEY)", "INSERT INTO users VALUES (1)",
        "CREATE TABLE users_tmp (id INT PRIMARY KEY)");
    PipelineConfig config = LocalStack.config(stack.bucket("select"),
        "databases: [selectdb]\ntables: {exclude: ['*_tmp']}\n");
    TableExporter exporter = stack.exporter(config, "selectdb", POLICY);

    InvalidInputException otherDb = assertThrows(InvalidInputException.class, () -> exporter.export(
        new ExportRequest("r1", "1", "2026-11-26", "mysql", "user", null)));
    assertEquals("database 'mysql' is not one the config exports (databases: [selectdb]); ExportTable exports only"
        + " what PlanRun would plan", otherDb.getMessage());

    InvalidInputException excluded = assertThrows(InvalidInputException.class, () -> exporter.export(
        new ExportRequest("r1", "1", "2026-11-26", "selectdb", "users_tmp", null)));
    assertEquals("table selectdb.users_tmp is not selected by the config's tables.include/exclude; ExportTable"
        + " exports only what PlanRun would plan", excluded.getMessage());

    assertEquals(1, exporter.export(new ExportRequest("r1", "1", "2026-11-26", "selectdb", "users", null))
        .rowsWritten(), "a selected table exports");
  }
}
