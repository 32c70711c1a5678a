package dev.rds2bq.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;

/**
 * Where incremental tables keep their {@link TableState}: {@code <table folder>/_state.json}, read by
 * PlanRun and moved by PublishTable with conditional writes, so two publishes never lose each
 * other's update (the same discipline as {@code _latest.json}).
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

  private static TableState parse(String key, byte[] json) {
    try {
      return JSON.readValue(json, TableState.class);
    } catch (IOException e) {
      throw new IntegrityException(key + " is not a readable table state (" + e.getMessage().lines().findFirst()
          .orElse("") + "); delete it, and the table's next run is a full snapshot");
    }
  }
}
