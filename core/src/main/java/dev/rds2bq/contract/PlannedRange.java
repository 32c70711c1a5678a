package dev.rds2bq.contract;

/**
 * The ExportTable input for a plan kept in S3 (docs/data-contract.md#payload-size): the range is
 * named by its id, and ExportTable reads its bounds from the plan object {@code planKey}.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record PlannedRange(String source, String runId, String attempt, String runDate, String database, String table,
    String planKey, Integer rangeId) implements RunTable {}
