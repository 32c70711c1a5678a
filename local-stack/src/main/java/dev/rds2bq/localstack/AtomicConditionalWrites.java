package dev.rds2bq.localstack;

import java.io.InputStream;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Makes S3Proxy's conditional PUTs atomic, as S3 makes them. S3Proxy 4.1.0 answers each of
 * {@code If-None-Match: *} and {@code If-Match} as S3 does (412, or 404 for {@code If-Match} on a
 * missing key), but its filesystem store checks {@code If-Match} before the write without holding a
 * lock: two PUTs that race with the same tag can both succeed, and one update is lost (measured:
 * 13 of 40 increments of four racing read-modify-write loops). Here every conditional PUT checks and
 * writes under one lock, so of the writers that race for a key exactly one wins and the others get
 * 412, which is what S3 promises and what the publish step's pointer update relies on.
 */
final class AtomicConditionalWrites extends ForwardingBlobStore {
  private final Object lock = new Object();

  AtomicConditionalWrites(BlobStore delegate) {
    super(delegate);
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
    if (request.ifMatch() == null && request.ifNoneMatch() == null) {
      return super.putBlob(request, content);
    }
    synchronized (lock) {
      if (request.ifMatch() != null) {
        HeadObjectResponse current;
        try {
          current = delegate().blobMetadata(HeadObjectRequest.builder().bucket(request.bucket()).key(request.key())
              .build());
        } catch (S3Exception e) {
          if (e.statusCode() != 404) {
            throw e;
          }
          current = null;
        }
        if (current == null) {
          throw S3Exceptions.noSuchKey(request.bucket(), request.key(), null);
        }
        String wanted = unquoted(request.ifMatch());
        if (!wanted.equals("*") && !wanted.equals(unquoted(current.eTag()))) {
          throw S3Exceptions.preconditionFailed(null);
        }
      }
      return super.putBlob(request, content);
    }
  }

  private static String unquoted(String tag) {
    return tag == null ? "" : tag.replace("\"", "");
  }
}
