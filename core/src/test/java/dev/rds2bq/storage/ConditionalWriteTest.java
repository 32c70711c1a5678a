package dev.rds2bq.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.error.StorageUnavailableException;
import dev.rds2bq.localstack.LocalS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The storage seam's conditional writes against S3Proxy 4.1.0 (filesystem store), which answers
 * {@code If-None-Match: *} and {@code If-Match} as S3 documents them: 412 when the key holds
 * something else, 404 for {@code If-Match} on a missing key. Of writers that race for one key, one
 * wins and the others learn it, so a read-modify-write loop loses no update. S3Proxy alone checks
 * {@code If-Match} without a lock (racing writers can both win); the local S3 makes the check and
 * the write one step, as S3 does ({@code LocalS3}, {@code AtomicConditionalWrites}).
 */
class ConditionalWriteTest {
  private static LocalS3 s3;
  private static S3Client client;
  private static S3Client chunkedClient;
  private static ObjectStore store;
  /** The same bucket through the SDK's default chunked bodies, where some answers get lost (LocalS3). */
  private static ObjectStore lossyStore;

  @BeforeAll
  static void start() throws Exception {
    s3 = LocalS3.start(Files.createTempDirectory("rds2bq-core-s3"));
    s3.createBucket("conditional");
    client = s3.client();
    chunkedClient = s3.chunkedClientBuilder().build();
    store = new S3ObjectStore(client, "conditional", 5 << 20);
    lossyStore = new S3ObjectStore(chunkedClient, "conditional", 5 << 20);
  }

  @AfterAll
  static void stop() {
    client.close();
    chunkedClient.close();
    s3.close();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void createOnlyWhenAbsentAndReplaceOnlyWhatWasRead() {
    String key = "p/created-once.json";
    assertNull(store.getTagged(key));
    assertTrue(store.putIf(key, text("first"), "application/json", null));
    assertFalse(store.putIf(key, text("second"), "application/json", null), "If-None-Match: * on an existing key");
    ObjectStore.Tagged read = store.getTagged(key);
    assertArrayEquals(text("first"), read.content());
    assertNotNull(read.tag());

    assertTrue(store.putIf(key, text("third"), "application/json", read.tag()));
    assertFalse(store.putIf(key, text("fourth"), "application/json", read.tag()), "If-Match with a stale tag");
    assertArrayEquals(text("third"), store.get(key));

    ObjectStore.Tagged now = store.getTagged(key);
    store.delete(key);
    assertFalse(store.putIf(key, text("fifth"), "application/json", now.tag()), "If-Match on a deleted key");
    assertNull(store.get(key));
  }

  /**
   * Each writer adds its tokens to one object, reading it and writing it back conditionally, and
   * reading again when refused or when the write failed. A write whose answer is lost may have
   * happened: the SDK's retry of it is then refused (412), or every try fails, so "refused" and
   * "failed" both mean "read again and see". An update must therefore be idempotent (a token already
   * there is done), as the publish step's pointer update is; a counter incremented again after such a
   * refusal counts one too many. The writers go through the chunked client, whose answers S3Proxy
   * loses a few times in a hundred, so that path is taken. Every token must be there once.
   */
  @Test
  void racingReadModifyWritesLoseNoUpdate() throws Exception {
    ObjectStore store = lossyStore;
    String key = "p/tokens.txt";
    int writers = 4;
    int increments = 10;
    AtomicInteger conflicts = new AtomicInteger();
    CyclicBarrier together = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          together.await();
          for (int i = 0; i < increments; i++) {
            String token = writer + "-" + i + ";";
            while (true) {
              ObjectStore.Tagged read = store.getTagged(key);
              String now = read == null ? "" : new String(read.content(), StandardCharsets.UTF_8);
              if (now.contains(";" + token) || now.startsWith(token)) {
                break;
              }
              try {
                if (store.putIf(key, text(now + token), "text/plain", read == null ? null : read.tag())) {
                  break;
                }
              } catch (StorageUnavailableException answerLost) {
                // Written or not: the next read tells.
              }
              conflicts.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> tokens = List.of(new String(store.get(key), StandardCharsets.UTF_8).split(";"));
    assertEquals(writers * increments, tokens.size(), tokens::toString);
    assertEquals(writers * increments, new java.util.HashSet<>(tokens).size(), "each update once: " + tokens);
    assertTrue(conflicts.get() > 0, "the writers did race (" + conflicts.get() + " conflicts)");
  }
}
