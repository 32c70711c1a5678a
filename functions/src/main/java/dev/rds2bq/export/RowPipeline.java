package dev.rds2bq.export;

import dev.rds2bq.rows.ReadAs;
import dev.rds2bq.parquet.RowSink;
import dev.rds2bq.source.RowStream;
import dev.rds2bq.rows.RowBatch;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Overlaps reading with encoding: the calling thread has the source fill {@link RowBatch}es, a
 * writer thread masks and encodes them into Parquet. Three batches circulate, so memory is fixed.
 * Either side's failure stops the other; the first error is the one thrown.
 */
final class RowPipeline {
  static final int BATCH_ROWS = 1024;
  private static final int BATCHES = 3;
  private static final RowBatch END = new RowBatch(new ReadAs[0], 1);

  private final BlockingQueue<RowBatch> full = new ArrayBlockingQueue<>(BATCHES + 1);
  private final BlockingQueue<RowBatch> free = new ArrayBlockingQueue<>(BATCHES);
  private volatile Throwable writerFailure;
  private volatile boolean readerFailed;

  /** Copies every row of {@code rows} into {@code writer}; returns the rows read, counted as they are read. */
  static long copy(RowStream rows, ReadAs[] readAs, RowSink writer, LongConsumer progress)
      throws IOException {
    return new RowPipeline().run(rows, readAs, writer, progress);
  }

  private long run(RowStream stream, ReadAs[] readAs, RowSink writer, LongConsumer progress)
      throws IOException {
    for (int i = 0; i < BATCHES; i++) {
      free.add(new RowBatch(readAs, BATCH_ROWS));
    }
    Thread encoder = new Thread(() -> encode(writer, progress), "rds2bq-encode");
    encoder.setDaemon(true);
    encoder.start();
    long rows = 0;
    try {
      RowBatch batch;
      while ((batch = take(free)) != null && stream.fill(batch)) {
        rows += batch.size();
        hand(batch);
      }
      hand(END);
    } catch (RuntimeException e) {
      readerFailed = true;
      full.offer(END);
      join(encoder);
      throw e;
    }
    join(encoder);
    rethrowWriterFailure();
    return rows;
  }

  private void encode(RowSink writer, LongConsumer progress) {
    try {
      while (true) {
        RowBatch batch = full.take();
        if (batch == END || readerFailed) {
          return;
        }
        for (int r = 0, n = batch.size(); r < n; r++) {
          batch.position(r);
          writer.write(batch);
        }
        progress.accept(writer.rows());
        batch.clear();
        free.put(batch);
      }
    } catch (Throwable t) {
      writerFailure = t;
      free.offer(END); // wakes a reader waiting for a free batch
    }
  }

  /** The next free batch, or null once the writer failed. */
  private RowBatch take(BlockingQueue<RowBatch> queue) {
    try {
      while (true) {
        RowBatch b = queue.poll(100, TimeUnit.MILLISECONDS);
        if (writerFailure != null) {
          return null;
        }
        if (b != null) {
          return b;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while exporting", e);
    }
  }

  private void hand(RowBatch batch) {
    try {
      while (!full.offer(batch, 100, TimeUnit.MILLISECONDS)) {
        if (writerFailure != null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while exporting", e);
    }
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while exporting", e);
    }
  }

  private void rethrowWriterFailure() throws IOException {
    Throwable t = writerFailure;
    if (t == null) {
      return;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException("encoding failed", t);
  }
}
