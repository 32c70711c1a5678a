package dev.rds2bq.publish;

import dev.rds2bq.error.IntegrityException;
import dev.rds2bq.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.Util;

/**
 * Reads what a data file's own footer says, without downloading the file: one ranged GET of its
 * tail (a second one when the footer is larger), parsed with Parquet's own Thrift structures. The
 * footer is what every reader of the snapshot trusts, so the publish step checks the exports'
 * counts against it rather than against what the exports said about themselves.
 */
final class ParquetFooters {
  /** One GET covers the footer of every file this project writes (a few KiB per row group). */
  static final int FIRST_READ = 64 * 1024;
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /** The rows and the key-value metadata ({@code rds2bq.run_id}, {@code rds2bq.range}, ...) of one file. */
  record Footer(long rows, Map<String, String> metadata) {}

  private ParquetFooters() {}

  static Footer read(ObjectStore store, String table, String key, long size) {
    if (size < 12) {
      throw notParquet(table, key, "it holds " + size + " bytes");
    }
    byte[] tail = store.getTail(key, (int) Math.min(size, FIRST_READ));
    if (tail == null || tail.length < 8) {
      throw new IntegrityException(table + ": file " + key + " could not be read back; export the range again");
    }
    for (int i = 0; i < 4; i++) {
      if (tail[tail.length - 4 + i] != MAGIC[i]) {
        throw notParquet(table, key, "it does not end in PAR1");
      }
    }
    int length = ByteBuffer.wrap(tail, tail.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (length <= 0 || length + 8L > size) {
      throw notParquet(table, key, "its footer length " + length + " does not fit its " + size + " bytes");
    }
    if (length + 8 > tail.length) {
      tail = store.getTail(key, length + 8);
    }
    FileMetaData meta;
    try {
      meta = Util.readFileMetaData(new ByteArrayInputStream(tail, tail.length - 8 - length, length), true);
    } catch (IOException | RuntimeException e) {
      throw notParquet(table, key, "its footer does not parse (" + e.getMessage() + ")");
    }
    Map<String, String> metadata = new HashMap<>();
    if (meta.getKey_value_metadata() != null) {
      for (KeyValue kv : meta.getKey_value_metadata()) {
        metadata.put(kv.getKey(), kv.getValue());
      }
    }
    return new Footer(meta.getNum_rows(), metadata);
  }

  private static IntegrityException notParquet(String table, String key, String why) {
    return new IntegrityException(table + ": file " + key + " is not a whole Parquet file (" + why
        + "); export the range again");
  }
}
