package dev.rds2bq.parquet;

import dev.rds2bq.rows.Row;
import dev.rds2bq.config.PipelineConfig.Compression;
import dev.rds2bq.config.PipelineConfig.ParquetConfig;
import dev.rds2bq.storage.ObjectStore;
import dev.rds2bq.storage.Upload;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows into a sequence of Parquet objects named {@code <base>-00000.parquet},
 * {@code <base>-00001.parquet}, ..., starting a new one once the current one reaches the target
 * size. The size is checked every {@value #SIZE_CHECK_ROWS} rows, not per row. After any failure the
 * writer is poisoned: {@link #abort()} discards the open upload, and no footer is written.
 */
public final class RollingParquetWriter implements RowSink {
  /** A power of two: at a few hundred bytes a row, a file overshoots its target by about a megabyte. */
  static final int SIZE_CHECK_ROWS = 4096;

  private final ObjectStore store;
  private final IntFunction<String> fileKey;
  private final MessageType schema;
  private final FieldWriter[] writers;
  private final Map<String, String> metadata;
  private final ParquetConfig options;
  private final Set<String> noDictionary;
  private final Set<String> noStatistics;
  private final long targetBytes;
  private final List<WrittenFile> files = new ArrayList<>();

  private final Path path;
  private OpenFile current;
  private Upload upload;
  private long rowsInFile;
  private long rows;
  private boolean failed;

  public record WrittenFile(String key, long bytes, long rows) {}

  /**
   * How rows become Parquet. Both write the same schema with the same encodings, pages, statistics
   * and compression; the files differ only in where row groups end.
   */
  public enum Path {
    /** Straight into the column writers ({@link ColumnFileWriter}): what the export uses. */
    COLUMNS,
    /**
     * parquet-java's {@code ParquetWriter} with record assembly ({@link RowWriteSupport}): kept as
     * the reference the tests compare the column path against, and as the benchmark's baseline.
     */
    RECORDS
  }

  /** The file being written, by either path. */
  private interface OpenFile {
    void write(Row row) throws IOException;

    long dataSize() throws IOException;

    void close() throws IOException;

    void abort();
  }

  /**
   * @param fileKey the key of the file with the given number (0, 1, ...), from the bucket layout
   * @param noDictionary columns whose values are mostly distinct (a single-column key, hashes, long
   *     text, timestamps), written without a dictionary: trying one first would only cost time
   * @param noStatistics columns whose min/max prune nothing (hashes, long text, JSON, binaries)
   */
  public RollingParquetWriter(ObjectStore store, IntFunction<String> fileKey, MessageType schema, FieldWriter[] writers,
      Map<String, String> metadata, ParquetConfig options, Set<String> noDictionary, Set<String> noStatistics) {
    this(store, fileKey, schema, writers, metadata, options, noDictionary, noStatistics, Path.COLUMNS);
  }

  public RollingParquetWriter(ObjectStore store, IntFunction<String> fileKey, MessageType schema, FieldWriter[] writers,
      Map<String, String> metadata, ParquetConfig options, Set<String> noDictionary, Set<String> noStatistics,
      Path path) {
    this.path = path;
    this.store = store;
    this.fileKey = fileKey;
    this.schema = schema;
    this.writers = writers;
    this.metadata = metadata;
    this.options = options;
    this.noDictionary = noDictionary;
    this.noStatistics = noStatistics;
    this.targetBytes = options.targetFileMiB() * 1024L * 1024L;
  }

  @Override
  public void write(Row row) throws IOException {
    if (failed) {
      throw new IllegalStateException("writer is poisoned by an earlier failure");
    }
    try {
      if (current == null) {
        open();
      }
      current.write(row);
      rowsInFile++;
      rows++;
      if ((rowsInFile & (SIZE_CHECK_ROWS - 1)) == 0 && current.dataSize() >= targetBytes) {
        closeCurrent();
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /** Closes the last file and returns every file written. An empty table still yields one file. */
  public List<WrittenFile> finish() throws IOException {
    if (failed) {
      throw new IllegalStateException("writer is poisoned by an earlier failure");
    }
    try {
      if (current == null && files.isEmpty()) {
        open();
      }
      if (current != null) {
        closeCurrent();
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
    return List.copyOf(files);
  }

  /** Discards the file being written. Files already committed stay; the publish step ignores them. */
  public void abort() {
    failed = true;
    if (upload != null) {
      upload.abort();
      upload = null;
    }
    if (current != null) {
      current.abort();
      current = null;
    }
  }

  @Override
  public long rows() {
    return rows;
  }

  private void open() throws IOException {
    String key = fileKey.apply(files.size());
    upload = store.begin(key);
    current = path == Path.COLUMNS ? openColumns(new UploadOutputFile(upload)) : openRecords(new UploadOutputFile(upload));
    rowsInFile = 0;
  }

  /** The encodings of both paths: page sizes, per-column dictionaries and statistics. */
  private ParquetProperties properties() {
    ParquetProperties.Builder b = ParquetProperties.builder()
        .withPageSize(options.pageKiB() * 1024)
        .withDictionaryPageSize(options.pageKiB() * 1024)
        // Size statistics (per-page byte and level histograms) help no reader of ours and cost per value.
        .withSizeStatisticsEnabled(false);
    for (String column : noDictionary) {
      b = b.withDictionaryEncoding(column, false);
    }
    for (String column : noStatistics) {
      b = b.withStatisticsEnabled(column, false);
    }
    return b.build();
  }

  private OpenFile openColumns(OutputFile out) throws IOException {
    ColumnFileWriter w = new ColumnFileWriter(out, schema, writers, metadata, properties(),
        new PageCompressors().getCompressor(codec(options.compression())), options.rowGroupMiB() * 1024L * 1024L);
    return new OpenFile() {
      @Override
      public void write(Row row) throws IOException {
        try {
          w.write(row);
        } catch (SQLException e) {
          throw new RowWriteSupport.RowReadException(e);
        }
      }

      @Override
      public long dataSize() throws IOException {
        return w.dataSize();
      }

      @Override
      public void close() throws IOException {
        w.close();
      }

      @Override
      public void abort() {
        w.abort();
      }
    };
  }

  private OpenFile openRecords(OutputFile out) throws IOException {
    Builder b = new Builder(out, new RowWriteSupport(schema, writers, metadata))
        .withConf(new PlainParquetConfiguration())
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCodecFactory(new PageCompressors())
        .withCompressionCodec(codec(options.compression()))
        .withRowGroupSize(options.rowGroupMiB() * 1024L * 1024L)
        .withPageSize(options.pageKiB() * 1024)
        .withDictionaryPageSize(options.pageKiB() * 1024)
        .withMaxPaddingSize(0)
        .withValidation(false)
        .withSizeStatisticsEnabled(false);
    for (String column : noDictionary) {
      b = b.withDictionaryEncoding(column, false);
    }
    for (String column : noStatistics) {
      b = b.withStatisticsEnabled(column, false);
    }
    ParquetWriter<Row> w = b.build();
    return new OpenFile() {
      @Override
      public void write(Row row) throws IOException {
        w.write(row);
      }

      @Override
      public long dataSize() {
        return w.getDataSize();
      }

      @Override
      public void close() throws IOException {
        w.close();
      }

      @Override
      public void abort() {}
    };
  }

  private void closeCurrent() throws IOException {
    current.close();
    current = null;
    long bytes = upload.commit();
    files.add(new WrittenFile(upload.key(), bytes, rowsInFile));
    upload = null;
    rowsInFile = 0;
  }

  private static CompressionCodecName codec(Compression c) {
    switch (c) {
      case ZSTD:
        return CompressionCodecName.ZSTD;
      case UNCOMPRESSED:
        return CompressionCodecName.UNCOMPRESSED;
      default:
        return CompressionCodecName.SNAPPY;
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final WriteSupport<Row> support;

    Builder(OutputFile file, WriteSupport<Row> support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
      return support;
    }
  }

  /** Parquet's view of an {@link Upload}, for writers other than this one (the benchmark's baseline). */
  public static OutputFile outputFile(Upload upload) {
    return new UploadOutputFile(upload);
  }

  /** Parquet's view of an {@link Upload}: a position-aware stream, no block size. */
  static final class UploadOutputFile implements OutputFile {
    private final Upload upload;

    UploadOutputFile(Upload upload) {
      this.upload = upload;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return stream();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return stream();
    }

    private PositionOutputStream stream() {
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return upload.position();
        }

        @Override
        public void write(int b) throws IOException {
          upload.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          upload.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          upload.close();
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return upload.key();
    }
  }
}
