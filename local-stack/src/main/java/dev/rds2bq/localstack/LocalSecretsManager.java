package dev.rds2bq.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * AWS Secrets Manager on a loopback port, speaking the service's JSON protocol ({@code
 * X-Amz-Target: secretsmanager.<Operation>}, {@code application/x-amz-json-1.1}) so that the SDK's own
 * {@code SecretsManagerClient} talks to it unchanged, with SigV4 checked ({@link AwsJsonService}).
 *
 * <p>Secrets have versions and staging labels as in the service: a new value gets {@code AWSCURRENT}
 * and the version that had it gets {@code AWSPREVIOUS}; {@code GetSecretValue} reads by
 * {@code VersionId}, by {@code VersionStage}, or both (which must name the same version). Operations:
 * CreateSecret, PutSecretValue, GetSecretValue, DescribeSecret, UpdateSecretVersionStage. Every
 * GetSecretValue is recorded, so a test can check which version a function read.
 */
public final class LocalSecretsManager extends AwsJsonService {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "123456789012";
  public static final String CURRENT = "AWSCURRENT";
  public static final String PREVIOUS = "AWSPREVIOUS";

  /** One GetSecretValue as it arrived: what was asked for and which version answered (null when refused). */
  public record Read(String secretId, String versionId, String versionStage, String answeredVersionId) {}

  private record Version(String id, String value, Instant created, Set<String> stages) {}

  private static final class Secret {
    final String name;
    final String arn;
    final Instant created;
    final Map<String, Version> versions = new LinkedHashMap<>();

    Secret(String name, String arn, Instant created) {
      this.name = name;
      this.arn = arn;
      this.created = created;
    }

    Version staged(String stage) {
      return versions.values().stream().filter(v -> v.stages().contains(stage)).findFirst().orElse(null);
    }
  }

  private final Clock clock;
  private final Map<String, Secret> secrets = new LinkedHashMap<>();
  private final List<Read> reads = new CopyOnWriteArrayList<>();

  private LocalSecretsManager(String accessKey, String secretKey, Clock clock) {
    super("secretsmanager", "secretsmanager", accessKey, secretKey);
    this.clock = clock;
  }

  /** Starts on a free loopback port, accepting requests signed with this access key. */
  public static LocalSecretsManager start(String accessKey, String secretKey, Clock clock) {
    return new LocalSecretsManager(accessKey, secretKey, clock);
  }

  /** With S3Proxy's key pair: one set of credentials for every local AWS service, as a Lambda role has. */
  public static LocalSecretsManager start() {
    return start(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY, Clock.systemUTC());
  }

  /** Creates a secret whose first version is {@code value}, labelled AWSCURRENT; returns its ARN. */
  public synchronized String create(String name, String value) {
    if (secrets.containsKey(name)) {
      throw new IllegalArgumentException("secret " + name + " exists");
    }
    Instant now = clock.instant();
    // The service appends a hyphen and six random characters to the name in the ARN.
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    Secret s = new Secret(name, "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-" + suffix, now);
    secrets.put(name, s);
    addVersion(s, UUID.randomUUID().toString(), value, List.of(CURRENT));
    return s.arn;
  }

  /** A new version that becomes AWSCURRENT (the old current one AWSPREVIOUS); returns its VersionId. */
  public synchronized String put(String name, String value) {
    String id = UUID.randomUUID().toString();
    addVersion(find(name), id, value, List.of(CURRENT));
    return id;
  }

  public synchronized String arn(String name) {
    return find(name).arn;
  }

  /** The VersionId that has {@code stage} now. */
  public synchronized String versionId(String name, String stage) {
    Version v = find(name).staged(stage);
    return v == null ? null : v.id();
  }

  /** Every GetSecretValue so far, in order. */
  public List<Read> reads() {
    return List.copyOf(reads);
  }

  private Secret find(String name) {
    Secret s = secrets.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no secret " + name);
    }
    return s;
  }

  private void addVersion(Secret s, String id, String value, List<String> stages) {
    Version old = s.staged(CURRENT);
    for (String stage : stages) {
      for (Version v : s.versions.values()) {
        v.stages().remove(stage);
      }
    }
    if (stages.contains(CURRENT) && old != null) {
      for (Version v : s.versions.values()) {
        v.stages().remove(PREVIOUS);
      }
      old.stages().add(PREVIOUS);
    }
    s.versions.put(id, new Version(id, value, clock.instant(), new LinkedHashSet<>(stages)));
  }

  @Override
  protected ObjectNode operation(String name, JsonNode request) {
    return switch (name) {
      case "GetSecretValue" -> getSecretValue(request);
      case "CreateSecret" -> createSecret(request);
      case "PutSecretValue" -> putSecretValue(request);
      case "DescribeSecret" -> describeSecret(request);
      case "UpdateSecretVersionStage" -> updateStage(request);
      default -> throw new Failure("UnknownOperationException", "operation " + name + " is not supported here");
    };
  }

  private ObjectNode getSecretValue(JsonNode request) {
    String id = text(request, "SecretId");
    String versionId = text(request, "VersionId");
    String stage = text(request, "VersionStage");
    Secret s;
    Version v;
    try {
      s = lookup(id);
      if (versionId != null) {
        v = s.versions.get(versionId);
        if (v == null) {
          throw new Failure("ResourceNotFoundException",
              "Secrets Manager can't find the specified secret value for VersionId: " + versionId);
        }
        if (stage != null && !v.stages().contains(stage)) {
          throw new Failure("InvalidRequestException",
              "You provided a VersionStage that is not associated to the provided VersionId.");
        }
      } else {
        String wanted = stage == null ? CURRENT : stage;
        v = s.staged(wanted);
        if (v == null) {
          throw new Failure("ResourceNotFoundException",
              "Secrets Manager can't find the specified secret value for staging label: " + wanted);
        }
      }
    } catch (Failure f) {
      reads.add(new Read(id, versionId, stage, null));
      throw f;
    }
    reads.add(new Read(id, versionId, stage, v.id()));
    ObjectNode out = JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", v.id())
        .put("SecretString", v.value()).put("CreatedDate", v.created().toEpochMilli() / 1000.0);
    ArrayNode stages = out.putArray("VersionStages");
    v.stages().forEach(stages::add);
    return out;
  }

  private ObjectNode createSecret(JsonNode request) {
    String name = text(request, "Name");
    if (name == null || text(request, "SecretString") == null) {
      throw new Failure("InvalidParameterException", "Name and SecretString are required here");
    }
    if (secrets.containsKey(name)) {
      throw new Failure("ResourceExistsException", "The operation failed because the secret " + name
          + " already exists.");
    }
    create(name, text(request, "SecretString"));
    Secret s = secrets.get(name);
    if (text(request, "ClientRequestToken") != null) {
      Version first = s.versions.remove(s.staged(CURRENT).id());
      String token = text(request, "ClientRequestToken");
      s.versions.put(token, new Version(token, first.value(), first.created(), first.stages()));
    }
    return JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", s.staged(CURRENT).id());
  }

  private ObjectNode putSecretValue(JsonNode request) {
    Secret s = lookup(text(request, "SecretId"));
    String value = text(request, "SecretString");
    if (value == null) {
      throw new Failure("InvalidParameterException", "SecretString is required here");
    }
    String id = text(request, "ClientRequestToken") == null ? UUID.randomUUID().toString()
        : text(request, "ClientRequestToken");
    if (s.versions.containsKey(id)) {
      if (s.versions.get(id).value().equals(value)) {
        return JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", id);
      }
      throw new Failure("ResourceExistsException", "A version with VersionId " + id + " already exists with other contents.");
    }
    List<String> stages = new ArrayList<>();
    request.path("VersionStages").forEach(n -> stages.add(n.asText()));
    addVersion(s, id, value, stages.isEmpty() ? List.of(CURRENT) : stages);
    ObjectNode out = JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name).put("VersionId", id);
    ArrayNode labels = out.putArray("VersionStages");
    s.versions.get(id).stages().forEach(labels::add);
    return out;
  }

  private ObjectNode describeSecret(JsonNode request) {
    Secret s = lookup(text(request, "SecretId"));
    ObjectNode out = JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name)
        .put("CreatedDate", s.created.toEpochMilli() / 1000.0);
    // As Secrets Manager does: the last time a value was put (a new version) or the secret changed.
    s.versions.values().stream().map(Version::created).max(Instant::compareTo)
        .ifPresent(last -> out.put("LastChangedDate", last.toEpochMilli() / 1000.0));
    ObjectNode map = out.putObject("VersionIdsToStages");
    for (Version v : s.versions.values()) {
      ArrayNode labels = map.putArray(v.id());
      v.stages().forEach(labels::add);
    }
    return out;
  }

  private ObjectNode updateStage(JsonNode request) {
    Secret s = lookup(text(request, "SecretId"));
    String stage = text(request, "VersionStage");
    String move = text(request, "MoveToVersionId");
    String remove = text(request, "RemoveFromVersionId");
    if (stage == null) {
      throw new Failure("InvalidParameterException", "VersionStage is required");
    }
    Version holder = s.staged(stage);
    if (holder != null && (remove == null || !remove.equals(holder.id())) && move != null) {
      throw new Failure("InvalidParameterException", "The staging label " + stage + " is currently attached to version "
          + holder.id() + ", so you must explicitly reference that version in RemoveFromVersionId.");
    }
    if (move != null && !s.versions.containsKey(move)) {
      throw new Failure("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: "
          + move);
    }
    if (holder != null && remove != null && remove.equals(holder.id())) {
      holder.stages().remove(stage);
      if (stage.equals(CURRENT) && move != null) {
        s.versions.values().forEach(v -> v.stages().remove(PREVIOUS));
        holder.stages().add(PREVIOUS);
      }
    }
    if (move != null) {
      s.versions.get(move).stages().add(stage);
    }
    return JSON.createObjectNode().put("ARN", s.arn).put("Name", s.name);
  }

  /** A secret by name, full ARN, or ARN without the random suffix, as the service accepts them. */
  private Secret lookup(String id) {
    if (id == null || id.isEmpty()) {
      throw new Failure("InvalidParameterException", "SecretId is required");
    }
    for (Secret s : secrets.values()) {
      if (s.name.equals(id) || s.arn.equals(id)
          || s.arn.equals(id + s.arn.substring(s.arn.length() - 7)) && id.startsWith("arn:")) {
        return s;
      }
    }
    throw new Failure("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  }
}
