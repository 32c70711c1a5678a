package dev.rds2bq.contract;

/** The PublishTable output: where the snapshot's manifest is and what it holds. */
public record PublishResult(String database, String table, String runId, String runDate, String manifestKey,
    int files, long rows, long bytes, int strayFilesDeleted) {}
