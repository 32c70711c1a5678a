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

  /** The last {@code bytes} bytes of an object (all of it when it is shorter), e.g. a Parquet footer. */
  byte[] getTail(String key, int bytes);

  /** A small object's bytes with its entity tag, for a {@link #putIf} that follows; null when there is none. */
  Tagged getTagged(String key);

  /**
   * Writes a small object only if the key still holds what the caller read: the object with entity
   * tag {@code expectedTag}, or, with {@code expectedTag} null, no object at all (S3's conditional
   * writes, {@code If-Match} and {@code If-None-Match: *}). Returns false, writing nothing, when
   * another write came first; the caller reads again and decides again.
   */
  boolean putIf(String key, byte[] content, String contentType, String expectedTag);

  record StoredObject(String key, long size) {}

  /** An object's content and its entity tag. */
  record Tagged(byte[] content, String tag) {}
}
