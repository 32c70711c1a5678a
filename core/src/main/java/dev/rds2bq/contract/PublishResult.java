package dev.rds2bq.contract;

/**
 * The PublishTable output: where the snapshot's manifest is and what it holds.
 *
 * @param source the table's source under the config's {@code sources}; absent for a single {@code source}
 * @param latest what became of the table's {@code _latest.json}: {@code moved here},
 *     {@code points here} (a retried publish), or {@code kept on <date> ...} when it names a later run
 * @param rangesReused ranges an earlier execution of the attempt exported, taken over without reading
 *     the source again
 * @param sourceWaits how many times ranges were put off because the source replica was too far
 *     behind
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record PublishResult(String source, String database, String table, String runId, String attempt, String runDate,
    String manifestKey, int files, long rows, long bytes, int strayFilesDeleted, String latest, int rangesReused,
    int sourceWaits) {}
