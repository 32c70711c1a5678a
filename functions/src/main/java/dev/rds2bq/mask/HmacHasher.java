package dev.rds2bq.mask;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 as 64 lower-case hex characters; one instance per column, so the Mac is reused. */
public final class HmacHasher {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private final Mac mac;

  public HmacHasher(byte[] key) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The hex digest of {@code value}; the array is new and may be kept. */
  public byte[] hexDigest(byte[] value) {
    byte[] digest = mac.doFinal(value);
    byte[] hex = new byte[digest.length * 2];
    for (int i = 0; i < digest.length; i++) {
      hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
      hex[2 * i + 1] = HEX[digest[i] & 0xf];
    }
    return hex;
  }

  /** A short, non-reversible id of the key, so readers can tell whether two runs' hashes join. */
  public String keyId() {
    return new String(hexDigest("rds2bq-key-id".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
        java.nio.charset.StandardCharsets.US_ASCII).substring(0, 12);
  }
}
