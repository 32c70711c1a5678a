package dev.rds2bq.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where incremental tables keep their {@link TableState}: {@code <table folder>/_state.json}, read by
 * PlanRun, moved by PublishTable (the bucket's chain) and by CheckLoads (what BigQuery holds) with
 * conditional writes, so two writers never lose each other's update (the same discipline as
 * {@code _latest.json}).
 */
public final class TableStates {
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final int ATTEMPTS = 5;

  private final ObjectStore store;
  private final BucketLayout layout;

  public TableStates(ObjectStore store, BucketLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  /** The table's state; null before its first publish. */
  public TableState read(RunTable t) {
    byte[] json = store.get(layout.stateKey(t));
    return json == null ? null : parse(layout.stateKey(t), json);
  }

  /**
   * Replaces the state with {@code next} applied to the current one (null when there is none),
   * unless another writer changed it meanwhile, in which case {@code next} is applied again to what
   * it wrote. {@code next} returning the state it was given writes nothing.
   */
  public TableState advance(RunTable t, UnaryOperator<TableState> next) {
    String key = layout.stateKey(t);
    for (int i = 0; i < ATTEMPTS; i++) {
      ObjectStore.Tagged current = store.list(key).stream().anyMatch(o -> o.key().equals(key)) ? store.getTagged(key)
          : null;
      TableState before = current == null ? null : parse(key, current.content());
      TableState after = next.apply(before);
      if (after == before) {
        return before;
      }
      try {
        if (store.putIf(key, JSON.writeValueAsBytes(after), "application/json", current == null ? null : current.tag())) {
          return after;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new StorageUnavailableException(key + " changed under every one of " + ATTEMPTS + " conditional writes;"
        + " publish the table again", null);
  }

  /**
   * Moves the state to a published attempt (docs/data-contract.md#incremental-tables): its mark, and
   * the full snapshot and change sets a reader of the bucket rebuilds the table from. What BigQuery
   * holds ({@code loaded}) is kept. Repeating it for the same manifest writes nothing.
   */
  public TableState published(RunTable t, Manifest m, String manifestKey, String now) {
    return advance(t, before -> {
      if (before != null && manifestKey.equals(before.manifest())) {
        return before;
      }
      CursorWindow w = m.window();
      String mark = w.upTo() != null ? w.upTo() : before == null ? null : before.mark();
      TableState.Loaded loaded = before == null ? null : before.loaded();
      if (!m.changeSet()) {
        return new TableState(w.column(), mark, m.runId(), m.runDate(), m.attempt(), manifestKey, manifestKey,
            m.runDate(), List.of(), now, loaded);
      }
      List<String> changes = new ArrayList<>(before == null ? List.of() : before.changes());
      changes.add(manifestKey);
      return new TableState(w.column(), mark, m.runId(), m.runDate(), m.attempt(), manifestKey,
          before == null ? null : before.full(), before == null ? null : before.fullRunDate(), changes, now, loaded);
    });
  }

  /**
   * Records that BigQuery took this snapshot or change set (its load, or its merge, succeeded and
   * passed its checks): the next loading run's window starts at its mark. A change set without an
   * upper mark (no rows) keeps the mark BigQuery had. Repeating it for the same manifest writes nothing.
   */
  public TableState loaded(RunTable t, Manifest m, String manifestKey, String now) {
    return advance(t, before -> {
      if (before != null && before.loaded() != null && manifestKey.equals(before.loaded().manifest())) {
        return before;
      }
      CursorWindow w = m.window();
      String mark = w.upTo() != null ? w.upTo()
          : m.changeSet() && before != null && before.loaded() != null ? before.loaded().mark() : null;
      TableState.Loaded loaded = new TableState.Loaded(w.column(), mark, manifestKey, m.runId(), m.runDate(), now);
      if (before == null) {
        // Published by a run whose state write was lost: BigQuery's part stands on its own.
        return new TableState(w.column(), null, null, null, null, null, null, null, List.of(), now, loaded);
      }
      return new TableState(before.cursor(), before.mark(), before.runId(), before.runDate(), before.attempt(),
          before.manifest(), before.full(), before.fullRunDate(), before.changes(), now, loaded);
    });
  }

  private static TableState parse(String key, byte[] json) {
    try {
      return JSON.readValue(json, TableState.class);
    } catch (IOException e) {
      throw new IntegrityException(key + " is not a readable table state (" + e.getMessage().lines().findFirst()
          .orElse("") + "); delete it, and the table's next run is a full snapshot");
    }
  }
}
