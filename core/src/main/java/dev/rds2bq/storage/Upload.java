package dev.rds2bq.storage;

import java.io.OutputStream;

/**
 * An object being written. {@link #close()} only flushes; the object appears on {@link #commit()}
 * and never after {@link #abort()}, which may be called at any point, also after a failed write.
 */
public abstract class Upload extends OutputStream {
  /** Bytes written so far. */
  public abstract long position();

  /** Makes the object visible and returns its size. */
  public abstract long commit();

  /** Discards everything written; idempotent, never throws. */
  public abstract void abort();

  public abstract String key();
}
