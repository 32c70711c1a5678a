package dev.rds2bq.storage;

import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.StorageUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3, with large objects sent as multipart uploads that overlap the encoding of the next part. */
public final class S3ObjectStore implements ObjectStore {
  /** Parts in flight per upload: with the part being filled, memory is (this + 1) × part size. */
  static final int PARTS_IN_FLIGHT = 2;

  private final S3Client s3;
  private final String bucket;
  private final int partSize;
  private final ExecutorService uploader;

  public S3ObjectStore(S3Client s3, String bucket, int partSizeBytes) {
    if (partSizeBytes < 5 * 1024 * 1024) {
      throw new IllegalArgumentException("S3 parts are at least 5 MiB");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.partSize = partSizeBytes;
    ThreadFactory daemons = r -> {
      Thread t = new Thread(r, "rds2bq-s3-upload");
      t.setDaemon(true);
      return t;
    };
    this.uploader = Executors.newFixedThreadPool(PARTS_IN_FLIGHT, daemons);
  }

  public String bucket() {
    return bucket;
  }

  @Override
  public Upload begin(String key) {
    return new S3MultipartUpload(s3, bucket, key, partSize, PARTS_IN_FLIGHT, uploader);
  }

  @Override
  public void put(String key, byte[] content, String contentType) {
    try {
      s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw translate(e, "put", key);
    }
  }

  @Override
  public List<StoredObject> list(String prefix) {
    List<StoredObject> out = new ArrayList<>();
    try {
      String token = null;
      do {
        String t = token;
        ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).continuationToken(t));
        for (S3Object o : page.contents()) {
          out.add(new StoredObject(o.key(), o.size()));
        }
        token = page.isTruncated() ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw translate(e, "list", prefix);
    }
    return out;
  }

  @Override
  public void delete(String key) {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw translate(e, "delete", key);
    }
  }

  @Override
  public byte[] get(String key) {
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return null;
    } catch (SdkException e) {
      throw translate(e, "get", key);
    }
  }

  @Override
  public byte[] getTail(String key, int bytes) {
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=-" + bytes)).asByteArray();
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return null;
    } catch (SdkException e) {
      throw translate(e, "get", key);
    }
  }

  @Override
  public Tagged getTagged(String key) {
    try {
      var response = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
      return new Tagged(response.asByteArray(), response.response().eTag());
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return null;
    } catch (SdkException e) {
      throw translate(e, "get", key);
    }
  }

  @Override
  public boolean putIf(String key, byte[] content, String contentType, String expectedTag) {
    try {
      s3.putObject(b -> {
        b.bucket(bucket).key(key).contentType(contentType);
        if (expectedTag == null) {
          b.ifNoneMatch("*");
        } else {
          b.ifMatch(expectedTag);
        }
      }, RequestBody.fromBytes(content));
      return true;
    } catch (S3Exception e) {
      // 412: the key holds something else now; 409: a conditional write to the key raced this one;
      // 404 on If-Match: the object read was deleted since. Each means another writer came first.
      if (e.statusCode() == 412 || e.statusCode() == 409 || (e.statusCode() == 404 && expectedTag != null)) {
        return false;
      }
      throw translate(e, "conditional put", key);
    } catch (SdkException e) {
      throw translate(e, "conditional put", key);
    }
  }

  /** Access and bucket errors are the user's to fix; the rest may pass on retry. */
  static RuntimeException translate(SdkException e, String action, String key) {
    if (e instanceof S3Exception s3e) {
      int status = s3e.statusCode();
      String code = s3e.awsErrorDetails() == null ? "" : s3e.awsErrorDetails().errorCode();
      if (status == 403 && action.equals("get")) {
        return new ConfigException("S3 denied get of " + key + " (" + code + "): the object is missing (to a role"
            + " that may not list the prefix, S3 answers 403 for a missing key) or the function's role may not"
            + " read it; check the key, then the role's access");
      }
      if (status == 403) {
        return new ConfigException("S3 denied " + action + " of " + key + " (" + code
            + "); grant the function's role access to the bucket prefix");
      }
      if ("NoSuchBucket".equals(code)) {
        return new ConfigException("S3 bucket in config key 'bucket' does not exist (" + action + " " + key + ")");
      }
    }
    return new StorageUnavailableException("S3 " + action + " of " + key + " failed: " + e.getMessage(), e);
  }
}
