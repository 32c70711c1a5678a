package dev.rds2bq.testing;

import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.storage.Upload;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store (S3Proxy) with a watcher in front of every write, delete and conditional put: it
 * counts them per key and may throw before one reaches the store, which is how a test kills a step
 * at a chosen point (the effect of a Lambda timeout there: everything before it happened, nothing
 * after).
 */
public final class WatchedStore implements ObjectStore {
  /** Called before each change or read of a pointer: put, putIf, delete, begin, list, getTagged. Throw to stop there. */
  public interface Watcher {
    void before(String op, String key);
  }

  private final ObjectStore store;
  private volatile Watcher watcher = (op, key) -> {};
  private final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
  private final java.util.Set<String> answersToLose = ConcurrentHashMap.newKeySet();

  public WatchedStore(ObjectStore store) {
    this.store = store;
  }

  public WatchedStore watch(Watcher w) {
    this.watcher = w;
    return this;
  }

  /**
   * The next conditional PUT of {@code key} that writes reports a failure instead, as a PUT whose answer
   * the network lost does: the object is written, the caller gets {@link StorageUnavailableException}.
   */
  public WatchedStore loseAnswerOfNextWrite(String key) {
    answersToLose.add(key);
    return this;
  }

  /** Successful writes (put, or a putIf that wrote) of one key so far. */
  public int writes(String key) {
    AtomicInteger n = writes.get(key);
    return n == null ? 0 : n.get();
  }

  private void wrote(String key) {
    writes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public Upload begin(String key) {
    watcher.before("begin", key);
    return store.begin(key);
  }

  @Override
  public void put(String key, byte[] content, String contentType) {
    watcher.before("put", key);
    store.put(key, content, contentType);
    wrote(key);
  }

  @Override
  public boolean putIf(String key, byte[] content, String contentType, String expectedTag) {
    watcher.before("putIf", key);
    boolean done = store.putIf(key, content, contentType, expectedTag);
    if (done) {
      wrote(key);
      if (answersToLose.remove(key)) {
        throw new StorageUnavailableException("S3 conditional put of " + key + " failed: Unable to execute HTTP"
            + " request: Error writing request body to server", null);
      }
    }
    return done;
  }

  @Override
  public void delete(String key) {
    watcher.before("delete", key);
    store.delete(key);
  }

  @Override
  public List<StoredObject> list(String prefix) {
    watcher.before("list", prefix);
    return store.list(prefix);
  }

  @Override
  public byte[] get(String key) {
    return store.get(key);
  }

  @Override
  public byte[] getTail(String key, int bytes) {
    return store.getTail(key, bytes);
  }

  @Override
  public Tagged getTagged(String key) {
    watcher.before("getTagged", key);
    return store.getTagged(key);
  }
}
