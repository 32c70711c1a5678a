package dev.rds2bq.parquet;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.dictionary.DictionaryValuesWriter;
import org.apache.parquet.column.values.dictionary.IntList;
import org.apache.parquet.column.values.factory.DefaultValuesWriterFactory;
import org.apache.parquet.column.values.factory.ValuesWriterFactory;
import org.apache.parquet.column.values.fallback.FallbackValuesWriter;
import org.apache.parquet.column.values.plain.PlainValuesWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The values writers of one file, parquet-java's own except for BYTE_ARRAY columns that keep a
 * dictionary: there the dictionary is ours, cheaper in two ways. Lookups hash the bytes once and
 * compare stored hashes before bytes (parquet-java's map hashes and compares through several
 * virtual {@link Binary} calls per probe). And a column that gave its dictionary up in one row group
 * (too many distinct values for the dictionary page, or no saving on the first page) is written plain
 * in the file's later row groups, where parquet-java would grow the dictionary again in each and then
 * copy every value out of it.
 *
 * <p>The encodings are parquet-java's (PLAIN_DICTIONARY data pages over a PLAIN dictionary page, or
 * PLAIN after the fallback) and so is the rule that decides the fallback within a row group; only a
 * later row group of a column that fell back is written plain without trying again.
 */
final class TextDictionaries implements ValuesWriterFactory {
  private final DefaultValuesWriterFactory defaults = new DefaultValuesWriterFactory();
  private final Set<String> plainColumns = new HashSet<>();
  private ParquetProperties props;

  @Override
  public void initialize(ParquetProperties properties) {
    this.props = properties;
    defaults.initialize(properties);
  }

  @Override
  public ValuesWriter newValuesWriter(ColumnDescriptor column) {
    if (column.getPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BINARY
        || props.getWriterVersion() != ParquetProperties.WriterVersion.PARQUET_1_0
        || !props.isDictionaryEnabled(column)) {
      return defaults.newValuesWriter(column);
    }
    String name = String.join(".", column.getPath());
    ValuesWriter plain = new PlainValuesWriter(props.getInitialSlabSize(), props.getPageSizeThreshold(),
        props.getAllocator());
    if (plainColumns.contains(name)) {
      return plain;
    }
    return FallbackValuesWriter.of(new Dictionary(props.getDictionaryPageSizeThreshold(), props.getAllocator(),
        () -> plainColumns.add(name)), plain);
  }

  /** A dictionary of byte strings: open addressing over ids, each id with its value and hash. */
  static final class Dictionary extends DictionaryValuesWriter {
    private final Runnable onFallBack;
    private int[] slots = new int[64]; // id + 1, 0 when empty
    private int[] hashes = new int[32];
    private byte[][] values = new byte[32][];
    private int size;

    Dictionary(int maxDictionaryByteSize, ByteBufferAllocator allocator, Runnable onFallBack) {
      super(maxDictionaryByteSize, Encoding.PLAIN_DICTIONARY, Encoding.PLAIN_DICTIONARY, allocator);
      this.onFallBack = onFallBack;
    }

    @Override
    public void writeBytes(Binary v) {
      byte[] bytes = v.getBytesUnsafe();
      int h = hash(bytes);
      int mask = slots.length - 1;
      int pos = h & mask;
      int id;
      while (true) {
        int slot = slots[pos];
        if (slot == 0) {
          id = add(bytes, v.isBackingBytesReused(), h, pos);
          break;
        }
        int candidate = slot - 1;
        if (hashes[candidate] == h && Arrays.equals(values[candidate], bytes)) {
          id = candidate;
          break;
        }
        pos = (pos + 1) & mask;
      }
      encodedValues.add(id);
    }

    private int add(byte[] bytes, boolean reused, int h, int pos) {
      int id = size;
      if (id == values.length) {
        values = Arrays.copyOf(values, id * 2);
        hashes = Arrays.copyOf(hashes, id * 2);
      }
      values[id] = reused ? bytes.clone() : bytes;
      hashes[id] = h;
      slots[pos] = id + 1;
      size++;
      dictionaryByteSize += 4L + bytes.length;
      if (size * 2 > slots.length) {
        rehash();
      }
      return id;
    }

    private void rehash() {
      int[] bigger = new int[slots.length * 2];
      int mask = bigger.length - 1;
      for (int id = 0; id < size; id++) {
        int pos = hashes[id] & mask;
        while (bigger[pos] != 0) {
          pos = (pos + 1) & mask;
        }
        bigger[pos] = id + 1;
      }
      slots = bigger;
    }

    /** FNV-1a over the bytes, then mixed so that the low bits (the slot) depend on every byte. */
    private static int hash(byte[] bytes) {
      int h = 0x811c9dc5;
      for (byte b : bytes) {
        h = (h ^ b) * 0x01000193;
      }
      return h ^ (h >>> 15);
    }

    @Override
    public void fallBackAllValuesTo(ValuesWriter writer) {
      onFallBack.run();
      super.fallBackAllValuesTo(writer);
    }

    @Override
    protected void fallBackDictionaryEncodedData(ValuesWriter writer) {
      IntList.IntIterator ids = encodedValues.iterator();
      while (ids.hasNext()) {
        writer.writeBytes(Binary.fromConstantByteArray(values[ids.next()]));
      }
    }

    @Override
    public DictionaryPage toDictPageAndClose() {
      if (lastUsedDictionarySize == 0) {
        return null;
      }
      PlainValuesWriter page = new PlainValuesWriter(lastUsedDictionaryByteSize, maxDictionaryByteSize, allocator);
      for (int id = 0; id < lastUsedDictionarySize; id++) {
        page.writeBytes(Binary.fromConstantByteArray(values[id]));
      }
      return dictPage(page);
    }

    @Override
    protected int getDictionarySize() {
      return size;
    }

    @Override
    protected void clearDictionaryContent() {
      Arrays.fill(slots, 0);
      Arrays.fill(values, 0, size, null);
      size = 0;
    }
  }
}
