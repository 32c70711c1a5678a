package dev.rds2bq.parquet;

import dev.rds2bq.rows.Row;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes a row into parquet-java's record consumer, for {@code ParquetWriter}: no Avro record, no
 * boxed values, no decoded strings in between. The export writes through {@link ColumnFileWriter}
 * instead; this path stays as the reference the tests compare it with and the benchmark's baseline.
 */
public final class RowWriteSupport extends WriteSupport<Row> {
  /** The footer's {@code writer.model.name}, the same on both write paths. */
  static final String MODEL_NAME = "rds2bq";

  private final MessageType schema;
  private final FieldWriter[] writers;
  private final Map<String, String> metadata;
  private RecordConsumer consumer;

  public RowWriteSupport(MessageType schema, FieldWriter[] writers, Map<String, String> metadata) {
    this.schema = schema;
    this.writers = writers;
    this.metadata = metadata;
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(schema, new HashMap<>(metadata));
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return new WriteContext(schema, new HashMap<>(metadata));
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(Row row) {
    RecordConsumer out = consumer;
    FieldWriter[] ws = writers;
    out.startMessage();
    try {
      for (int i = 0; i < ws.length; i++) {
        ws[i].write(row, out);
      }
    } catch (SQLException e) {
      throw new RowReadException(e);
    }
    out.endMessage();
  }

  @Override
  public String getName() {
    return MODEL_NAME;
  }

  /** Carries a driver error out of {@link #write}, whose signature allows no checked exception. */
  public static final class RowReadException extends RuntimeException {
    RowReadException(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }
}
