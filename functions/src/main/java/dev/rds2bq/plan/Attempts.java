package dev.rds2bq.plan;

import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.RunTable;
import dev.rds2bq.storage.ObjectStore;
import java.util.HashSet;
import java.util.Set;

/**
 * Picks the attempt a run writes a table under. A run id seen for the first time starts at attempt 1.
 * For a run id given again (a re-run of a date, or of a failed execution), the table's newest
 * attempt is taken up again if it was never published, so that its finished ranges are resumed
 * rather than read from the source again; once it is published it is never written again, and the
 * re-run gets the next number.
 */
final class Attempts {
  private final ObjectStore store;
  private final BucketLayout layout;

  Attempts(ObjectStore store, BucketLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  /** What became of the table's earlier attempts at this run, and the attempt this plan takes. */
  record Choice(String attempt, boolean resumed, String published) {}

  /** @param source the table's source under the config's {@code sources}; null for a single {@code source} */
  Choice choose(String source, String database, String table, String runDate, String runId) {
    RunTable run = RunTable.of(source, database, table, runDate, runId, null);
    int newest = 0;
    Set<Integer> published = new HashSet<>();
    for (ObjectStore.StoredObject o : store.list(layout.attemptsFolder(run))) {
      String attempt = layout.attemptOf(run, o.key());
      if (attempt == null) {
        continue;
      }
      int n = Integer.parseInt(attempt);
      newest = Math.max(newest, n);
      if (o.key().equals(layout.successKey(RunTable.of(source, database, table, runDate, runId, attempt)))) {
        published.add(n);
      }
    }
    if (newest == 0) {
      return new Choice(BucketLayout.FIRST_ATTEMPT, false, null);
    }
    if (!published.contains(newest)) {
      return new Choice(Integer.toString(newest), true, null);
    }
    return new Choice(Integer.toString(newest + 1), false, Integer.toString(newest));
  }
}
