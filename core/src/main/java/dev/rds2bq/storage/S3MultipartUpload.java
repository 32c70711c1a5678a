package dev.rds2bq.storage;

import dev.rds2bq.error.StorageUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object written through fixed-size buffers. A file smaller than one part is a single PUT; a
 * larger one is a multipart upload whose parts go up on the uploader threads while the caller fills
 * the next buffer. Buffers are recycled, so memory stays at (parts in flight + 1) × part size.
 */
final class S3MultipartUpload extends Upload {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final ExecutorService uploader;
  private final BlockingQueue<byte[]> freeBuffers;
  private final List<Future<CompletedPart>> parts = new ArrayList<>();

  private byte[] buffer;
  private int filled;
  private long position;
  private String uploadId;
  private boolean finished;

  S3MultipartUpload(S3Client s3, String bucket, String key, int partSize, int inFlight, ExecutorService uploader) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.uploader = uploader;
    this.freeBuffers = new ArrayBlockingQueue<>(inFlight + 1);
    this.buffer = new byte[partSize];
    // Further buffers are allocated lazily: most files of small tables never need a second one.
    for (int i = 0; i < inFlight; i++) {
      freeBuffers.add(new byte[0]);
    }
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void write(int b) {
    if (filled == buffer.length) {
      shipBuffer();
    }
    buffer[filled++] = (byte) b;
    position++;
  }

  @Override
  public void write(byte[] src, int off, int len) {
    while (len > 0) {
      if (filled == buffer.length) {
        shipBuffer();
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(src, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      position += n;
    }
  }

  @Override
  public void close() {
    // Flushing is all a close does: the caller decides between commit and abort.
  }

  private void shipBuffer() {
    checkOpen();
    if (uploadId == null) {
      try {
        uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
      } catch (SdkException e) {
        throw S3ObjectStore.translate(e, "start multipart upload", key);
      }
    }
    final byte[] full = buffer;
    final int length = filled;
    final int partNumber = parts.size() + 1;
    final String id = uploadId;
    parts.add(uploader.submit(() -> {
      try {
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(partNumber)
            .contentLength((long) length), RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(full, 0, length)))
            .eTag();
        return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
      } finally {
        freeBuffers.add(full);
      }
    }));
    try {
      byte[] next = freeBuffers.take();
      buffer = next.length == full.length ? next : new byte[full.length];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an upload buffer", e);
    }
    filled = 0;
    failFastOnDonePart();
  }

  /** Surfaces a failed part at the next buffer instead of at commit. */
  private void failFastOnDonePart() {
    for (Future<CompletedPart> f : parts) {
      if (f.isDone()) {
        await(f);
      }
    }
  }

  @Override
  public long commit() {
    checkOpen();
    try {
      if (uploadId == null) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) filled),
            RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(buffer, 0, filled)));
      } else {
        if (filled > 0) {
          shipBuffer();
        }
        List<CompletedPart> done = new ArrayList<>(parts.size());
        for (Future<CompletedPart> f : parts) {
          done.add(await(f));
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
            .multipartUpload(m -> m.parts(done)));
      }
    } catch (SdkException e) {
      abort();
      throw S3ObjectStore.translate(e, "upload", key);
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
    finished = true;
    buffer = null;
    return position;
  }

  @Override
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    buffer = null;
    for (Future<CompletedPart> f : parts) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException ignored) {
        // The part failed: that may be why we abort.
      }
    }
    if (uploadId != null) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException ignored) {
        // An incomplete upload is invisible; the bucket's lifecycle rule removes its parts.
      }
    }
  }

  private CompletedPart await(Future<CompletedPart> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while uploading " + key, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SdkException sdk) {
        throw S3ObjectStore.translate(sdk, "upload part of", key);
      }
      throw new StorageUnavailableException("uploading a part of " + key + " failed: " + cause, cause);
    }
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("upload of " + key + " is already committed or aborted");
    }
  }
}
