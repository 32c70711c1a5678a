package dev.rds2bq.storage;

import java.util.List;

/**
 * The storage seam: S3 multipart in Lambda, S3Proxy in the local run and tests, a discarding store
 * in the benchmark. An object becomes visible only when its {@link Upload} commits.
 */
public interface ObjectStore {
  /** Starts writing {@code key}; nothing is visible until {@link Upload#commit()}. */
  Upload begin(String key);

  /** Writes a small object at once (manifests, markers). */
  void put(String key, byte[] content, String contentType);

  /** Objects under a prefix, sorted by key. */
  List<StoredObject> list(String prefix);

  void delete(String key);

  /** A small object's bytes, or null when there is none. */
  byte[] get(String key);

  record StoredObject(String key, long size) {}
}
