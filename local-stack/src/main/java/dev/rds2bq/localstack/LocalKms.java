package dev.rds2bq.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS KMS on loopback, for the data keys that seal a plan's key-range bounds: the JSON protocol
 * ({@code TrentService.*}) that the SDK's {@code KmsClient} speaks, SigV4 checked
 * ({@link AwsJsonService}). Operations: GenerateDataKey (AES_256 or 32 bytes) and Decrypt, as the
 * service documents them: the ciphertext blob names its key, so Decrypt needs no KeyId, and a blob
 * made under one key does not decrypt under another (IncorrectKeyException) or after a change
 * (InvalidCiphertextException). Each key's material stays in this process; every call is recorded,
 * so a test can tell which function used the key.
 */
public final class LocalKms extends AwsJsonService {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "123456789012";

  /** One call as it arrived: the operation and the key it used (null when refused before that). */
  public record Call(String operation, String keyArn) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, byte[]> keys = new LinkedHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  private LocalKms(String accessKey, String secretKey) {
    super("TrentService", "kms", accessKey, secretKey);
  }

  /** With S3Proxy's key pair, as the other local AWS services. */
  public static LocalKms start() {
    return new LocalKms(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
  }

  /** A new symmetric key; returns its ARN. */
  public synchronized String createKey() {
    byte[] material = new byte[32];
    random.nextBytes(material);
    String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + java.util.UUID.randomUUID();
    keys.put(arn, material);
    return arn;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  protected ObjectNode operation(String name, JsonNode request) {
    return switch (name) {
      case "GenerateDataKey" -> generateDataKey(request);
      case "Decrypt" -> decrypt(request);
      default -> throw new Failure("UnsupportedOperationException", "operation " + name + " is not supported here");
    };
  }

  private ObjectNode generateDataKey(JsonNode request) {
    String arn = arn(text(request, "KeyId"));
    String spec = text(request, "KeySpec");
    JsonNode bytes = request.get("NumberOfBytes");
    int length = spec != null ? ("AES_256".equals(spec) ? 32 : "AES_128".equals(spec) ? 16 : -1)
        : bytes != null ? bytes.asInt() : -1;
    if (length <= 0 || length > 1024) {
      throw new Failure("ValidationException", "KeySpec (AES_256, AES_128) or NumberOfBytes (1-1024) is required");
    }
    byte[] plaintext = new byte[length];
    random.nextBytes(plaintext);
    calls.add(new Call("GenerateDataKey", arn));
    return JSON.createObjectNode().put("KeyId", arn)
        .put("Plaintext", Base64.getEncoder().encodeToString(plaintext))
        .put("CiphertextBlob", Base64.getEncoder().encodeToString(seal(arn, plaintext)));
  }

  private ObjectNode decrypt(JsonNode request) {
    String blob = text(request, "CiphertextBlob");
    if (blob == null) {
      throw new Failure("ValidationException", "CiphertextBlob is required");
    }
    ByteBuffer in = ByteBuffer.wrap(Base64.getDecoder().decode(blob));
    byte[] arnBytes = new byte[Math.min(Math.max(in.remaining() > 2 ? in.getShort() : 0, 0), in.remaining())];
    in.get(arnBytes);
    String arn = new String(arnBytes, StandardCharsets.UTF_8);
    byte[] material = keys.get(arn);
    if (material == null) {
      throw new Failure("InvalidCiphertextException", "The ciphertext refers to a key that does not exist here");
    }
    String asked = text(request, "KeyId");
    if (asked != null && !arn(asked).equals(arn)) {
      throw new Failure("IncorrectKeyException", "The key ID in the request does not identify the key that"
          + " encrypted the ciphertext");
    }
    byte[] nonce = new byte[12];
    in.get(nonce);
    byte[] sealed = new byte[in.remaining()];
    in.get(sealed);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(arnBytes);
      byte[] plaintext = c.doFinal(sealed);
      calls.add(new Call("Decrypt", arn));
      return JSON.createObjectNode().put("KeyId", arn).put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
    } catch (GeneralSecurityException e) {
      throw new Failure("InvalidCiphertextException", "The ciphertext was changed or is not a ciphertext of this key");
    }
  }

  /** The key's ARN from an ARN or a bare key id. */
  private synchronized String arn(String keyId) {
    if (keyId == null) {
      throw new Failure("ValidationException", "KeyId is required");
    }
    for (String arn : keys.keySet()) {
      if (arn.equals(keyId) || arn.endsWith("/" + keyId)) {
        return arn;
      }
    }
    throw new Failure("NotFoundException", "Key '" + keyId + "' does not exist");
  }

  private byte[] seal(String arn, byte[] plaintext) {
    byte[] arnBytes = arn.getBytes(StandardCharsets.UTF_8);
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.get(arn), "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(arnBytes);
      byte[] sealed = c.doFinal(plaintext);
      return ByteBuffer.allocate(2 + arnBytes.length + nonce.length + sealed.length).putShort((short) arnBytes.length)
          .put(arnBytes).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }
}
