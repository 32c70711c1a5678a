package dev.rds2bq.localstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * S3Proxy over a folder: buckets are folders and objects are files, so a run's output can be browsed
 * and opened directly. It checks SigV4 signatures like S3 does, and answers conditional PUTs
 * ({@code If-None-Match}, {@code If-Match}) atomically like S3 does ({@link AtomicConditionalWrites}).
 */
public final class LocalS3 implements AutoCloseable {
  public static final String ACCESS_KEY = "local-access-key";
  public static final String SECRET_KEY = "local-secret-key-for-s3proxy";

  private final S3Proxy proxy;
  private final Path root;
  private final URI endpoint;

  private LocalS3(S3Proxy proxy, Path root, URI endpoint) {
    this.proxy = proxy;
    this.root = root;
    this.endpoint = endpoint;
  }

  public static LocalS3 start(Path root) {
    try {
      Files.createDirectories(root);
      S3Proxy proxy = S3Proxy.builder()
          .blobStore(new AtomicConditionalWrites(new FilesystemNio2BlobStore(root.toAbsolutePath().toString())))
          .endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
          .ignoreUnknownHeaders(true)
          .build();
      proxy.start();
      for (int i = 0; i < 100 && !"STARTED".equals(proxy.getState()); i++) {
        Thread.sleep(50);
      }
      return new LocalS3(proxy, root, URI.create("http://127.0.0.1:" + proxy.getPort()));
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start: " + e.getMessage(), e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The folder that holds the buckets. */
  public Path root() {
    return root;
  }

  public S3Client client() {
    return clientBuilder().build();
  }

  /**
   * A client builder set up for this server, for callers that add their own configuration. Request
   * bodies are sent whole, signed as one payload, not in the SDK's signed chunks ({@code aws-chunked},
   * its default over plain HTTP): S3Proxy 4.1.0 answers a chunked PUT before it has read the last chunk
   * and the trailer, then closes the connection, so the client fails writing the rest and reports an
   * I/O error for a PUT that was in fact written or refused (measured: 310 of 6,889 racing conditional
   * PUTs, 10 of them written; with whole bodies none of 6,879). S3 reads every byte before answering.
   * {@link #chunkedClientBuilder} keeps the SDK's default, for tests of a write whose answer is lost.
   */
  public S3ClientBuilder clientBuilder() {
    return chunkedClientBuilder().serviceConfiguration(c -> c.chunkedEncodingEnabled(false));
  }

  /** A client builder with the SDK's default body encoding (signed chunks): see {@link #clientBuilder}. */
  public S3ClientBuilder chunkedClientBuilder() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder());
  }

  public void createBucket(String bucket) {
    try (S3Client s3 = client()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
        s3.createBucket(b -> b.bucket(bucket));
      }
    }
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop cleanly", e);
    }
  }
}
