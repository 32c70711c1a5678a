package dev.rds2bq.parquet;

import dev.rds2bq.rows.Row;
import java.io.IOException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file, each row's values written straight into the column writers of parquet-column
 * ({@link ColumnRecordConsumer}), with parquet-hadoop's page store and file writer framing the pages,
 * row groups and footer. Encodings, pages, statistics and compression are parquet-java's own, from
 * the same {@link ParquetProperties}, except the dictionaries of text columns ({@link TextDictionaries});
 * what is left out is the record assembly of {@code ParquetWriter}, which a flat schema does not need.
 *
 * <p>Row groups end once the buffered pages reach the row group size, checked every
 * {@value #SIZE_CHECK_ROWS} rows. Not thread-safe; after a failure only {@link #abort()} is valid.
 */
final class ColumnFileWriter {
  /** Rows between two looks at the buffered size; the look sums every column's buffers. */
  static final int SIZE_CHECK_ROWS = 1024;

  private final ParquetFileWriter file;
  private final MessageType schema;
  private final List<ColumnDescriptor> descriptors;
  private final FieldWriter[] writers;
  private final Map<String, String> metadata;
  private final ParquetProperties props;
  private final BytesInputCompressor compressor;
  private final long rowGroupBytes;

  private ColumnChunkPageWriteStore pages;
  private ColumnWriteStore columns;
  private ColumnRecordConsumer consumer;
  private long rowsInGroup;

  ColumnFileWriter(OutputFile out, MessageType schema, FieldWriter[] writers, Map<String, String> metadata,
      ParquetProperties props, BytesInputCompressor compressor, long rowGroupBytes) throws IOException {
    this.schema = schema;
    this.descriptors = schema.getColumns();
    this.writers = writers;
    this.metadata = metadata;
    // Text dictionaries of our own, one set per file, so what a row group learns serves the next.
    this.props = ParquetProperties.copy(props).withValuesWriterFactory(new TextDictionaries()).build();
    this.compressor = compressor;
    this.rowGroupBytes = rowGroupBytes;
    this.file = new ParquetFileWriter(out, schema, ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, 0, null,
        this.props);
    file.start();
    startRowGroup();
  }

  void write(Row row) throws IOException, SQLException {
    FieldWriter[] ws = writers;
    ColumnRecordConsumer out = consumer;
    for (int i = 0; i < ws.length; i++) {
      ws[i].write(row, out);
    }
    out.endMessage();
    if ((++rowsInGroup & (SIZE_CHECK_ROWS - 1)) == 0) {
      long buffered = columns.getBufferedSize();
      // End the group while one more check interval still fits under the limit.
      if (buffered + buffered / rowsInGroup * SIZE_CHECK_ROWS >= rowGroupBytes) {
        endRowGroup();
        startRowGroup();
      }
    }
  }

  /** Bytes in the file so far plus the pages buffered for the open row group. */
  long dataSize() throws IOException {
    return file.getPos() + columns.getBufferedSize();
  }

  /** Writes the last row group and the footer. */
  void close() throws IOException {
    try {
      endRowGroup();
      Map<String, String> footer = new HashMap<>(metadata);
      footer.put(ParquetWriter.OBJECT_MODEL_NAME_PROP, RowWriteSupport.MODEL_NAME);
      file.end(footer);
    } finally {
      release();
    }
  }

  /** Leaves the file without a footer; the caller discards what was written. */
  void abort() {
    file.abort();
    release();
  }

  private void startRowGroup() {
    pages = ColumnChunkPageWriteStore.builder()
        .withSchema(schema)
        .withAllocator(props.getAllocator())
        .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
        .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
        .withCompressorProvider(c -> compressor)
        .build();
    columns = props.newColumnWriteStore(schema, pages, pages);
    ColumnWriter[] cs = new ColumnWriter[descriptors.size()];
    for (int i = 0; i < cs.length; i++) {
      cs[i] = columns.getColumnWriter(descriptors.get(i));
    }
    consumer = new ColumnRecordConsumer(columns, cs);
    rowsInGroup = 0;
  }

  private void endRowGroup() throws IOException {
    if (rowsInGroup == 0) {
      return;
    }
    file.startBlock(rowsInGroup);
    columns.flush();
    pages.flushToFileWriter(file);
    file.endBlock();
    release();
    rowsInGroup = 0;
  }

  private void release() {
    if (columns != null) {
      columns.close();
      columns = null;
    }
    if (pages != null) {
      pages.close();
      pages = null;
    }
  }
}
