package dev.rds2bq.plan;

import dev.rds2bq.error.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The run input's {@code modes}: per incremental table, {@code full} (a full snapshot this run, which
 * re-bases it) or {@code snapshot} (read whole, as a snapshot table, its state left as it is). A
 * name that matches no incremental table of the run is refused, naming it, rather than ignored:
 * a typo there would silently run the table as usual.
 */
final class RunModes {
  private final Map<String, String> asked = new LinkedHashMap<>();
  private final Set<String> planned = new LinkedHashSet<>();

  RunModes(Map<String, String> modes) {
    modes.forEach((table, mode) -> {
      if (!PlanInput.FULL.equals(mode) && !PlanInput.SNAPSHOT.equals(mode)) {
        throw new InvalidInputException("'modes." + table + "' must be \"" + PlanInput.FULL + "\" or \""
            + PlanInput.SNAPSHOT + "\"; got \"" + mode + "\"");
      }
      asked.put(table, mode);
    });
  }

  /** The mode asked for the table (by {@code source.database.table} or {@code database.table}), or null. */
  String ask(String source, String database, String table, boolean incremental) {
    String name = source == null ? null : source + "." + database + "." + table;
    String key = name != null && asked.containsKey(name) ? name : database + "." + table;
    String mode = asked.get(key);
    if (mode != null && !incremental) {
      throw new InvalidInputException("'modes." + key + "': the table is not in incremental.tables, so it is a"
          + " snapshot table already; remove it from modes");
    }
    if (mode != null) {
      planned.add(key);
    }
    return mode;
  }

  void requireAllPlanned() {
    for (String key : asked.keySet()) {
      if (!planned.contains(key)) {
        throw new InvalidInputException("'modes." + key + "' names no table of this run; use database.table (or"
            + " source.database.table) of an incremental table the run exports");
      }
    }
  }
}
