package dev.rds2bq.mask;

import dev.rds2bq.contract.BoundSeal;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.StorageUnavailableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Envelope encryption of key-range bounds with a KMS key of the stack: one AES-256 data key per plan
 * (GenerateDataKey, PlanRun only), each bound AES-GCM with a random nonce, the data key kept in the
 * plan only in its KMS-encrypted form; ExportTable asks KMS to decrypt it (Decrypt, ExportTable
 * only), once per plan per container. Messages name the key, never a bound.
 */
public final class KmsBoundSeal implements BoundSeal {
  private static final int NONCE_BYTES = 12;
  private final Supplier<KmsClient> kms;
  private final String keyId;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, byte[]> opened = new ConcurrentHashMap<>();

  public KmsBoundSeal(KmsClient kms, String keyId) {
    this(() -> kms, keyId);
  }

  /** @param kms the client, asked for at the first seal or open: a function that never meets a masked key never builds it */
  public KmsBoundSeal(Supplier<KmsClient> kms, String keyId) {
    this.kms = kms;
    this.keyId = keyId;
  }

  @Override
  public Sealing start() {
    var key = call("GenerateDataKey", () -> kms.get().generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)));
    byte[] dataKey = key.plaintext().asByteArray();
    String sealedKey = Base64.getEncoder().encodeToString(key.ciphertextBlob().asByteArray());
    return new Sealing(sealedKey, bound -> bound == null ? null : seal(dataKey, bound));
  }

  @Override
  public UnaryOperator<String> opener(String sealedKey) {
    byte[] dataKey = opened.computeIfAbsent(sealedKey, k -> call("Decrypt", () -> kms.get().decrypt(b -> b
        .keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(Base64.getDecoder().decode(k))))).plaintext()
        .asByteArray());
    return bound -> bound == null ? null : open(dataKey, bound);
  }

  private String seal(byte[] dataKey, String bound) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed = cipher(Cipher.ENCRYPT_MODE, dataKey, nonce, bound.getBytes(StandardCharsets.UTF_8));
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(
        ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
  }

  private String open(byte[] dataKey, String bound) {
    if (!BoundSeal.isSealed(bound)) {
      throw new dev.rds2bq.error.InvalidInputException("the stored plan holds a bound of a masked key column that"
          + " is not sealed; plan the run again");
    }
    ByteBuffer in = ByteBuffer.wrap(Base64.getUrlDecoder().decode(bound.substring(PREFIX.length())));
    byte[] nonce = new byte[NONCE_BYTES];
    in.get(nonce);
    byte[] sealed = new byte[in.remaining()];
    in.get(sealed);
    return new String(cipher(Cipher.DECRYPT_MODE, dataKey, nonce, sealed), StandardCharsets.UTF_8);
  }

  private static byte[] cipher(int mode, byte[] key, byte[] nonce, byte[] input) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      return c.doFinal(input);
    } catch (GeneralSecurityException e) {
      if (mode == Cipher.ENCRYPT_MODE) {
        throw new IllegalStateException("AES-GCM is not available", e);
      }
      throw new dev.rds2bq.error.InvalidInputException("a sealed range bound does not open under the plan's key"
          + " (the stored plan was changed); plan the run again");
    }
  }

  private <T> T call(String action, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (KmsException e) {
      if (e.statusCode() >= 500) {
        throw new StorageUnavailableException("KMS failed on " + action + " with key " + keyId, e);
      }
      throw new ConfigException("KMS refused " + action + " with key " + keyId + " (config key"
          + " 'masking.boundsKeyId'): " + e.awsErrorDetails().errorCode() + "; grant kms:" + action
          + " on it to this function's role");
    } catch (SdkException e) {
      throw new StorageUnavailableException("KMS failed on " + action + " with key " + keyId, e);
    }
  }
}
