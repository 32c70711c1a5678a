package dev.rds2bq.storage;

import java.util.List;

/** Counts bytes and keeps none: the benchmark's sink, which shows the cost of the S3 stand-in. */
public final class DiscardingObjectStore implements ObjectStore {
  @Override
  public Upload begin(String key) {
    return new Upload() {
      private long position;

      @Override
      public void write(int b) {
        position++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        position += len;
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public long commit() {
        return position;
      }

      @Override
      public void abort() {}

      @Override
      public String key() {
        return key;
      }
    };
  }

  @Override
  public void put(String key, byte[] content, String contentType) {}

  @Override
  public List<StoredObject> list(String prefix) {
    return List.of();
  }

  @Override
  public void delete(String key) {}

  @Override
  public byte[] get(String key) {
    return null;
  }

  @Override
  public byte[] getTail(String key, int bytes) {
    return null;
  }

  @Override
  public Tagged getTagged(String key) {
    return null;
  }

  @Override
  public boolean putIf(String key, byte[] content, String contentType, String expectedTag) {
    return true;
  }
}
