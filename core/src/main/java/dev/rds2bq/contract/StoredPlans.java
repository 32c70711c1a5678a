package dev.rds2bq.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.contract.RunPlan.TablePlan;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans that PlanRun kept in S3 because they were too big for the state machine's payload: each is
 * read once per container (a container exports many ranges of the same run) and turns a
 * {@link PlannedRange} into the {@link ExportRequest} it stands for.
 */
public final class StoredPlans {
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final int CACHED_PLANS = 4;

  private final ObjectStore store;
  private final BucketLayout layout;
  /** planKey → the plan, its tables indexed by {@code database.table}; least recently used goes first. */
  private final Map<String, Loaded> cache = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Loaded> eldest) {
      return size() > CACHED_PLANS;
    }
  };

  /** @param layout where PlanRun keeps plans: a planKey anywhere else is refused before it is read */
  public StoredPlans(ObjectStore store, BucketLayout layout) {
    this(store, layout, null);
  }

  /** @param seal opens the sealed bounds of masked key columns; null where none can be opened */
  public StoredPlans(ObjectStore store, BucketLayout layout, BoundSeal seal) {
    this.store = store;
    this.layout = layout;
    this.seal = seal;
  }

  private final BoundSeal seal;

  private record Loaded(RunPlan plan, Map<String, TablePlan> tables) {}

  /** The export the planned range stands for; a range of a table planned in one piece (id 0) is the whole table. */
  public ExportRequest resolve(PlannedRange r) {
    if (r.planKey() == null || r.planKey().isBlank() || r.rangeId() == null || r.rangeId() < 0) {
      throw new InvalidInputException("ExportTable with 'planKey' needs 'rangeId' (0 or more) and no 'range'");
    }
    if (!layout.isPlanKeyOf(r.planKey(), r.runDate(), r.runId())) {
      throw new InvalidInputException("planKey '" + r.planKey() + "' is not a plan of run " + r.runId() + " ("
          + r.runDate() + "): PlanRun keeps plans at " + layout.planKey(r.runDate(), r.runId(), "<id>")
          + "; pass the planKey of the PlanRun output unchanged");
    }
    Loaded loaded = load(r.planKey());
    if (!loaded.plan().runId().equals(r.runId()) || !loaded.plan().runDate().equals(r.runDate())) {
      throw new InvalidInputException("the plan " + r.planKey() + " is of run " + loaded.plan().runId() + " ("
          + loaded.plan().runDate() + "), not of run " + r.runId() + " (" + r.runDate() + ")");
    }
    TablePlan table = loaded.tables().get(key(r.source(), r.database(), r.table()));
    if (table == null) {
      throw new InvalidInputException("the plan " + r.planKey() + " has no table " + name(r.source(), r.database(),
          r.table()));
    }
    if (r.attempt() != null && !r.attempt().equals(table.attempt())) {
      throw new InvalidInputException("the plan " + r.planKey() + " gives " + r.database() + "." + r.table()
          + " attempt " + table.attempt() + ", not " + r.attempt() + "; pass the PlanRun output unchanged");
    }
    List<KeyRange> ranges = table.ranges() == null ? List.of() : table.ranges();
    if (ranges.isEmpty() && r.rangeId() == 0) {
      return new ExportRequest(r.source(), r.runId(), table.attempt(), r.runDate(), r.database(), r.table(), null,
          loaded.plan().hashKeyVersion(), table.window());
    }
    for (KeyRange range : ranges) {
      if (range.id() == r.rangeId()) {
        return new ExportRequest(r.source(), r.runId(), table.attempt(), r.runDate(), r.database(), r.table(),
            opened(loaded.plan(), range), loaded.plan().hashKeyVersion(), table.window());
      }
    }
    throw new InvalidInputException("the plan " + r.planKey() + " has no range " + r.rangeId() + " for "
        + name(r.source(), r.database(), r.table()) + "; it has " + table.expectedRanges());
  }

  /** The range with its bounds opened when the plan sealed them (a masked key column). */
  private KeyRange opened(RunPlan plan, KeyRange range) {
    if (!BoundSeal.isSealed(range.lo()) && !BoundSeal.isSealed(range.hi())) {
      return range;
    }
    if (seal == null || plan.boundsKey() == null) {
      throw new dev.rds2bq.error.ConfigException("the plan of run " + plan.runId() + " sealed the bounds of a masked"
          + " key column, and this function has no key to open them: set config key 'masking.boundsKeyId' as PlanRun"
          + " had it, and grant kms:Decrypt on that key to ExportTable");
    }
    java.util.function.UnaryOperator<String> open = seal.opener(plan.boundsKey());
    return new KeyRange(range.id(), range.column(), open.apply(range.lo()), open.apply(range.hi()));
  }

  /** The lookup key of a table: its source (when named), database and table, NUL-separated. */
  private static String key(String source, String database, String table) {
    return (source == null ? "" : source) + "\u0000" + database + "\u0000" + table;
  }

  private static String name(String source, String database, String table) {
    return (source == null ? "" : source + ".") + database + "." + table;
  }

  private synchronized Loaded load(String key) {
    Loaded loaded = cache.get(key);
    if (loaded == null) {
      byte[] json = store.get(key);
      if (json == null) {
        throw new InvalidInputException("no plan at planKey '" + key + "' in the bucket; PlanRun writes it there when"
            + " the plan is too big for the state machine's payload");
      }
      RunPlan plan;
      try {
        plan = JSON.readValue(json, RunPlan.class);
      } catch (IOException e) {
        // Where, not what: the parser's message can quote a value of the plan, and a range bound may be personal.
        String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
            ? " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")" : "";
        throw new InvalidInputException("the plan at '" + key + "' is not a PlanRun plan" + where);
      }
      if (plan == null || plan.runId() == null || plan.runDate() == null || plan.tables() == null) {
        throw new InvalidInputException("the plan at '" + key + "' has no runId, runDate or tables: it is not a"
            + " complete PlanRun plan; start the run again");
      }
      Map<String, TablePlan> tables = new HashMap<>();
      for (TablePlan t : plan.tables()) {
        tables.put(key(t.source(), t.database(), t.table()), t);
      }
      loaded = new Loaded(plan, tables);
      cache.put(key, loaded);
    }
    return loaded;
  }
}
