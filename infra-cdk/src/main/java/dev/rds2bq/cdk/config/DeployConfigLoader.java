package dev.rds2bq.cdk.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rds2bq.cdk.config.DeployConfig.Subnet;
import dev.rds2bq.config.PipelineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and checks the deploy config once, at synth. Every problem is collected, then reported
 * together as a {@link DeployConfigException} whose lines read
 * {@code key 'bucket.name' must be <rule>; got '<value>'. Fix: <what to do>}.
 */
public final class DeployConfigLoader {
  static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .build();

  /** Lambda's CloudWatch Logs retention values (days). */
  static final Set<Integer> RETENTION_DAYS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
      1096, 1827, 2192, 2557, 2922, 3288, 3653);

  static final Pattern SECRET_ARN =
      Pattern.compile("arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z0-9-]+):(\\d{12}):secret:(.+)-[A-Za-z0-9]{6}");
  private static final Set<String> ENGINE_KEYS = Set.of("parquet", "zeroDates", "planning", "publish", "runDateZone",
      "source", "maxBackfillDays", "columnNames", "incremental");
  private static final Set<String> ENGINE_SOURCE_KEYS = Set.of("connectTimeoutSeconds", "socketTimeoutSeconds",
      "allowWritable", "maxReplicaLagSeconds");
  private static final Set<String> SCHEDULE_INPUT_KEYS = Set.of("tables", "load", "allowConcurrent");

  private final String origin;
  private final List<String> problems = new ArrayList<>();

  private DeployConfigLoader(String origin) {
    this.origin = origin;
  }

  /** Reads {@code file}, checks it, and generates and checks the engine config it implies. */
  public static Deployment load(Path file) {
    String origin = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DeployConfigException(origin, List.of("cannot read the file: " + e
          + ". Fix: copy infra-cdk/rds2bq.deploy.example.yaml to " + file.getFileName()
          + " and edit it, or pass its path with `-c config=<path>`"));
    }
    return parse(file, text);
  }

  /** As {@link #load}, with the text given; relative paths are taken from {@code file}'s folder. */
  public static Deployment parse(Path file, String text) {
    DeployConfigLoader loader = new DeployConfigLoader(file.toString());
    DeployConfig config = loader.read(text);
    Path baseDir = file.toAbsolutePath().getParent();
    loader.check(config, baseDir);
    loader.throwIfAny();
    Deployment deployment = Deployment.of(file, config, baseDir);
    return deployment;
  }

  private DeployConfig read(String text) {
    DeployConfig config;
    try {
      config = YAML.readValue(text, DeployConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String allowed = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .collect(Collectors.joining(", "));
      throw single("key '" + path(e) + "' is not a setting; allowed there: " + allowed
          + ". Fix: check its spelling and indentation against rds2bq.deploy.example.yaml");
    } catch (InvalidFormatException e) {
      String allowed = e.getTargetType() != null && e.getTargetType().isEnum()
          ? "; allowed: " + Arrays.toString(e.getTargetType().getEnumConstants()).toLowerCase() : "";
      throw single("key '" + path(e) + "' has the invalid value '" + e.getValue() + "'" + allowed
          + ". Fix: use one of the allowed values");
    } catch (JsonMappingException e) {
      throw single("key '" + path(e) + "' has the wrong shape: " + e.getOriginalMessage()
          + ". Fix: compare it with rds2bq.deploy.example.yaml (a list needs [..] or '- ' items, a section needs keys)");
    } catch (IOException e) {
      throw single("the file is not valid YAML: " + e.getMessage().lines().findFirst().orElse("")
          + ". Fix: correct the YAML syntax at the line shown");
    }
    if (config == null) {
      throw single("the file is empty. Fix: start from infra-cdk/rds2bq.deploy.example.yaml");
    }
    return config;
  }

  private DeployConfigException single(String problem) {
    return new DeployConfigException(origin, List.of(problem));
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new DeployConfigException(origin, problems);
    }
  }

  /** Records a problem unless {@code ok}; returns {@code ok} so callers can skip dependent checks. */
  private boolean require(boolean ok, String key, String rule, Object value, String fix) {
    if (!ok) {
      problems.add("key '" + key + "' must be " + rule + "; got " + (value == null ? "nothing" : "'" + value + "'")
          + ". Fix: " + fix);
    }
    return ok;
  }

  private boolean present(Object section, String key, String fix) {
    return require(section != null, key, "present", null, fix);
  }

  private void check(DeployConfig c, Path baseDir) {
    require(c.stackName().matches("[A-Za-z][A-Za-z0-9-]{0,29}"), "stackName",
        "1-30 letters, digits or hyphens, starting with a letter (it prefixes function, role and secret names)",
        c.stackName(), "pick a short name such as rds2bq or rds2bq-clinic");

    String account = null;
    String region = null;
    if (present(c.aws(), "aws", "add aws: {account: '123456789012', region: ap-northeast-1}")) {
      account = c.aws().account();
      region = c.aws().region();
      if (!require(account != null && account.matches("\\d{12}"), "aws.account", "a 12-digit AWS account id (quoted)",
          account, "run `aws sts get-caller-identity` and copy Account, in quotes")) {
        account = null;
      }
      if (!require(region != null && region.matches("[a-z]{2}(-[a-z]+)+-\\d"), "aws.region",
          "an AWS Region code such as ap-northeast-1", region, "use the Region of the replica")) {
        region = null;
      }
    }

    checkSource(c, baseDir, account, region);
    checkNetwork(c, region);
    checkTables(c);
    checkMasking(c, baseDir, account, region);
    checkBucket(c, account);
    checkBigQuery(c, account, region);
    checkSchedule(c);
    checkRun(c);
    checkMisc(c);
  }

  private void checkSource(DeployConfig c, Path baseDir, String account, String region) {
    if (c.sources() != null) {
      require(c.source() == null, "sources", "absent when 'source' is set", "both",
          "keep one: 'source' for one MySQL replica, or name every replica under 'sources'");
      require(!c.sources().isEmpty(), "sources", "a map from source name to {engine, secretArn, databases, ...}",
          "{}", "name at least one source");
      for (Map.Entry<String, DeployConfig.Source> e : c.sources().entrySet()) {
        String key = "sources." + e.getKey();
        require(e.getKey().matches(PipelineConfig.SOURCE_NAME_PATTERN), key, "named with 1-30 lower-case letters and"
            + " digits, starting with a letter", e.getKey(), "the name is a bucket folder and the start of the"
            + " source's BigQuery table names");
        if (!require(e.getValue() != null, key, "a mapping", null, "add {engine, secretArn, databases, caBundle,"
            + " securityGroupId}")) {
          continue;
        }
        checkOneSource(key, e.getValue(), true, baseDir, account, region);
        DeployConfig.Source s = e.getValue();
        require(s.caBundle() == null || s.caBundle().equals(c.caBundle()), key + ".caBundle",
            "the same file as the first source's", s.caBundle(), "use the RDS bundle of the region for every source");
        require(s.securityGroupId() != null && s.securityGroupId().matches("sg-[0-9a-f]{8,17}"),
            key + ".securityGroupId", "a security group id (sg-...)", s.securityGroupId(),
            "use the security group attached to this replica");
        require(s.portOrDefault() >= 1 && s.portOrDefault() <= 65535, key + ".port", "a TCP port (1-65535)", s.port(),
            "use the replica's port (3306 for MySQL, 5432 for PostgreSQL by default)");
      }
      if (c.network() != null) {
        require(c.network().replicaSecurityGroupId() == null, "network.replicaSecurityGroupId",
            "absent with 'sources'", c.network().replicaSecurityGroupId(),
            "give each source its securityGroupId (and port) under sources.<name>");
      }
      return;
    }
    if (!present(c.source(), "source", "add source: {secretArn, databases, caBundle}")) {
      return;
    }
    checkOneSource("source", c.source(), false, baseDir, account, region);
  }

  private void checkOneSource(String key, DeployConfig.Source s, boolean named, Path baseDir, String account,
      String region) {
    secretArn(key + ".secretArn", s.secretArn(), account, region, true,
        "the ARN of the replica's login secret (RDS format, docs/configuration.md#database-secret)");
    require(named || !s.hasSourcesKeys(), key, "without engine, database, securityGroupId, port or addIngressRule",
        null, "the single source is MySQL reached through network.replicaSecurityGroupId; name sources under"
            + " 'sources' for other engines");
    require(List.of("mysql", "postgresql").contains(s.engineOrDefault()), key + ".engine", "mysql or postgresql", s.engine(),
        "use mysql for MySQL and MariaDB, postgresql for PostgreSQL");
    require(s.database() == null || "postgresql".equals(s.engineOrDefault()), key + ".database", "absent for engine mysql",
        s.database(), "list MySQL databases under databases");
    require(!s.databases().isEmpty(), key + ".databases", "a non-empty list of database names", null,
        "list the databases (PostgreSQL: schemas) to export, e.g. [clinic, billing]");
    for (int i = 0; i < s.databases().size(); i++) {
      String db = s.databases().get(i);
      require(db != null && db.matches("[A-Za-z0-9_$-]{1,64}"), key + ".databases[" + i + "]",
          "a database name (1-64 letters, digits, _ $ -)", db,
          "use the name as the server prints it (SHOW DATABASES, or \\dn for PostgreSQL schemas)");
    }
    localFile(key + ".caBundle", s.caBundle(), baseDir, "-----BEGIN CERTIFICATE-----",
        "download global-bundle.pem from https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem and give"
            + " its path, relative to this file");
  }

  private void checkNetwork(DeployConfig c, String region) {
    if (!present(c.network(), "network", "add network: {vpcId, subnets, replicaSecurityGroupId}")) {
      return;
    }
    DeployConfig.Network n = c.network();
    require(n.vpcId() != null && n.vpcId().matches("vpc-[0-9a-f]{8,17}"), "network.vpcId", "a VPC id (vpc-...)",
        n.vpcId(), "use the VPC of the read replica (RDS console, Connectivity & security)");
    require(!n.subnets().isEmpty(), "network.subnets", "a non-empty list of {id, availabilityZone, routeTableId}", null,
        "list private subnets of the replica's VPC, one per Availability Zone, at least two");
    subnets("network.subnets", n.subnets(), region);
    boolean interfaceEndpoints = n.endpoints().secretsManager() || n.endpoints().stepFunctions();
    if (interfaceEndpoints) {
      List<String> zones = n.subnets().stream().map(Subnet::availabilityZone).filter(Objects::nonNull).toList();
      require(new HashSet<>(zones).size() == zones.size(), "network.subnets",
          "in distinct Availability Zones (an interface endpoint takes one subnet per zone)", zones,
          "keep one subnet per zone, or set network.endpoints.secretsManager and stepFunctions to false");
    }
    require(c.sources() != null || (n.replicaSecurityGroupId() != null
        && n.replicaSecurityGroupId().matches("sg-[0-9a-f]{8,17}")),
        "network.replicaSecurityGroupId", "a security group id (sg-...)", n.replicaSecurityGroupId(),
        "use the security group attached to the read replica");
    require(n.replicaPort() >= 1 && n.replicaPort() <= 65535, "network.replicaPort", "a TCP port (1-65535)",
        n.replicaPort(), "use the replica's port, usually 3306");
    subnets("network.loadSubnets", n.loadSubnets(), region);
    require(n.s3PrefixListId() != null && n.s3PrefixListId().matches("pl-[0-9a-f]{8,17}"), "network.s3PrefixListId",
        "the id of the region's S3 managed prefix list (pl-...): the functions that read the replica may send HTTPS"
            + " only there and to the VPC endpoints", n.s3PrefixListId(), "aws ec2 describe-managed-prefix-lists"
            + " --filters Name=prefix-list-name,Values=com.amazonaws." + (region == null ? "<region>" : region)
            + ".s3 --query 'PrefixLists[0].PrefixListId'");
    require(!n.endpoints().anyExisting() || (n.endpointsSecurityGroupId() != null
        && n.endpointsSecurityGroupId().matches("sg-[0-9a-f]{8,17}")), "network.endpointsSecurityGroupId",
        "the security group of the VPC's own interface endpoints (sg-...), when network.endpoints says the VPC"
            + " already has one", n.endpointsSecurityGroupId(),
        "name the group those endpoints use, which must accept HTTPS from the rds2bq database functions");
  }

  private void subnets(String key, List<Subnet> subnets, String region) {
    for (int i = 0; i < subnets.size(); i++) {
      Subnet s = subnets.get(i);
      String at = key + "[" + i + "]";
      if (!require(s != null, at, "a subnet {id, availabilityZone, routeTableId}", null, "fill in the three keys")) {
        continue;
      }
      require(s.id() != null && s.id().matches("subnet-[0-9a-f]{8,17}"), at + ".id", "a subnet id (subnet-...)",
          s.id(), "copy it from the VPC console, Subnets");
      require(s.availabilityZone() != null && s.availabilityZone().matches("[a-z]{2}(-[a-z]+)+-\\d[a-z]")
          && (region == null || s.availabilityZone().startsWith(region)), at + ".availabilityZone",
          "an Availability Zone name of aws.region, e.g. " + (region == null ? "ap-northeast-1" : region) + "a",
          s.availabilityZone(), "copy the subnet's Availability Zone (the name, not the zone id)");
      require(s.routeTableId() != null && s.routeTableId().matches("rtb-[0-9a-f]{8,17}"), at + ".routeTableId",
          "a route table id (rtb-...)", s.routeTableId(),
          "copy the subnet's route table (the S3 gateway endpoint is added to it)");
    }
  }

  private void checkTables(DeployConfig c) {
    for (String key : List.of("include", "exclude")) {
      List<String> globs = key.equals("include") ? c.tables().include() : c.tables().exclude();
      for (int i = 0; i < globs.size(); i++) {
        String g = globs.get(i);
        require(g != null && !g.isBlank() && !g.contains(" "), "tables." + key + "[" + i + "]",
            "a glob over table or database.table, without spaces", g, "e.g. \"*\", \"clinic.*\" or \"*_backup\"");
      }
    }
  }

  private void checkMasking(DeployConfig c, Path baseDir, String account, String region) {
    if (!present(c.masking(), "masking", "add masking: {policyFile: masking.yaml}; there is no export without a policy")) {
      return;
    }
    Path policy = localFile("masking.policyFile", c.masking().policyFile(), baseDir, null,
        "give the path of the masking policy (docs/masking.md), relative to this file");
    if (policy != null) {
      try {
        Object parsed = YAML.readValue(Files.readString(policy, StandardCharsets.UTF_8), Object.class);
        require(parsed instanceof Map, "masking.policyFile", "a YAML or JSON mapping (docs/masking.md)",
            c.masking().policyFile(), "check the file's syntax");
      } catch (IOException e) {
        require(false, "masking.policyFile", "valid YAML or JSON", c.masking().policyFile() + ": "
            + e.getMessage().lines().findFirst().orElse(""), "correct the policy's syntax");
      }
    }
    if (c.masking().hashKeySecretArn() != null) {
      secretArn("masking.hashKeySecretArn", c.masking().hashKeySecretArn(), account, region, false,
          "the ARN of the HMAC key secret (docs/configuration.md, masking.hashKeySecretId)");
    }
  }

  private void checkBucket(DeployConfig c, String account) {
    if (!present(c.bucket(), "bucket", "add bucket: {name, prefix}")) {
      return;
    }
    DeployConfig.Bucket b = c.bucket();
    String name = b.name();
    require(name != null && name.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") && !name.contains("..")
        && !name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") && !name.startsWith("xn--") && !name.endsWith("-s3alias"),
        "bucket.name", "a new, globally unique S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)", name,
        "pick a name such as <company>-rds2bq-exports; the stack creates the bucket");
    require(b.prefix() != null && !b.prefix().isEmpty() && b.prefix().matches(PipelineConfig.PREFIX_PATTERN),
        "bucket.prefix", "a non-empty key prefix of segments made of letters, digits, '_', '-' and '.' (not starting"
            + " with '.'), joined by '/' (every permission and lifecycle rule is scoped to it, and '*', '?', '$' and"
            + " other signs would change what they match)", b.prefix(), "use e.g. rds2bq or exports/rds2bq");
    require(b.runRetentionDays() >= 2 && b.runRetentionDays() <= 36500, "bucket.runRetentionDays",
        "between 2 and 36500", b.runRetentionDays(), "keep runs at least as long as consumers need them, e.g. 90");
    require(b.planRetentionDays() >= 1 && b.planRetentionDays() <= 36500, "bucket.planRetentionDays",
        "between 1 and 36500", b.planRetentionDays(), "e.g. 14");
    require(b.accessLogRetentionDays() >= 1 && b.accessLogRetentionDays() <= 36500, "bucket.accessLogRetentionDays",
        "between 1 and 36500", b.accessLogRetentionDays(), "e.g. 365");
    for (int i = 0; i < b.consumerAccounts().size(); i++) {
      String acct = b.consumerAccounts().get(i);
      require(acct != null && acct.matches("\\d{12}") && !acct.equals(account), "bucket.consumerAccounts[" + i + "]",
          "a 12-digit AWS account id other than aws.account (quoted)", acct,
          "list only other accounts; this account's roles get access through IAM");
    }
  }

  private void checkBigQuery(DeployConfig c, String account, String region) {
    if (!present(c.bigquery(), "bigquery", "add bigquery: {projectId, location, dataset, credentialsSecretArn}")) {
      return;
    }
    DeployConfig.BigQuery bq = c.bigquery();
    require(bq.projectId() != null && bq.projectId().matches("[a-z][a-z0-9-]{4,28}[a-z0-9]"), "bigquery.projectId",
        "a Google Cloud project id (6-30 lower-case letters, digits, hyphens)", bq.projectId(),
        "copy the project ID (not its name or number) from the Google Cloud console");
    require(bq.location() != null && bq.location().matches("[A-Za-z0-9-]+"), "bigquery.location",
        "a BigQuery location such as US, EU or asia-northeast1", bq.location(),
        "use the dataset's location; the DTS runs there");
    require(bq.dataset() != null && bq.dataset().matches("[A-Za-z0-9_]{1,1024}"), "bigquery.dataset",
        "a BigQuery dataset id (letters, digits, underscores)", bq.dataset(), "e.g. rds2bq");
    require(bq.dtsReaderKeySerial() >= 1, "bigquery.dtsReaderKeySerial", "a positive integer",
        bq.dtsReaderKeySerial(), "raise it by one to replace the DTS reader's access key");
    require(bq.dtsReaderKeyMaxAgeDays() >= 1 && bq.dtsReaderKeyMaxAgeDays() <= 3650, "bigquery.dtsReaderKeyMaxAgeDays",
        "between 1 and 3650 days", bq.dtsReaderKeyMaxAgeDays(), "use the rotation period your policy asks, e.g. 90");
    secretArn("bigquery.credentialsSecretArn", bq.credentialsSecretArn(), account, region, true,
        "the ARN of the secret holding the Google credentials (WIF config or service-account key, docs/deploy.md)");
  }

  private void checkSchedule(DeployConfig c) {
    if (!present(c.schedule(), "schedule", "add schedule: {cron: '0 3 * * ? *', timeZone: Asia/Tokyo}")) {
      return;
    }
    String cron = c.schedule().cron();
    String fields = cron == null ? null : unwrapCron(cron);
    String[] parts = fields == null ? new String[0] : fields.trim().split("\\s+");
    boolean shape = parts.length == 6 && Arrays.stream(parts).allMatch(p -> p.matches("[0-9A-Za-z,\\-*/?#]+"));
    if (require(shape, "schedule.cron",
        "six EventBridge Scheduler cron fields: minutes hours day-of-month month day-of-week year", cron,
        "e.g. '0 3 * * ? *' for 03:00 every day")) {
      require(parts[2].equals("?") ^ parts[4].equals("?"), "schedule.cron",
          "'?' in exactly one of day-of-month (3rd) and day-of-week (5th)", cron,
          "e.g. '0 3 * * ? *' (every day) or '0 3 ? * MON-FRI *' (weekdays)");
    }
    String zone = c.schedule().timeZone();
    require(zone != null && ZoneId.getAvailableZoneIds().contains(zone), "schedule.timeZone",
        "an IANA time zone name such as Asia/Tokyo, Europe/Paris or UTC", zone,
        "use a name from the IANA tz database (offsets such as +09:00 are not accepted by EventBridge Scheduler)");
    for (String key : c.schedule().input().keySet()) {
      require(SCHEDULE_INPUT_KEYS.contains(key), "schedule.input." + key, "one of " + sorted(SCHEDULE_INPUT_KEYS),
          key, "leave input empty ({}) to run every selected table; see docs/data-contract.md#input");
    }
  }

  static String unwrapCron(String cron) {
    Matcher m = Pattern.compile("\\s*cron\\((.*)\\)\\s*").matcher(cron);
    return m.matches() ? m.group(1) : cron;
  }

  private void checkRun(DeployConfig c) {
    int hours = c.run().executionTimeoutHours();
    require(hours >= 1 && hours <= 24 * 7, "run.executionTimeoutHours", "between 1 and 168", hours,
        "allow the longest run plus its loads; a run past it times out and raises the alarm");
  }

  private void checkMisc(DeployConfig c) {
    for (int i = 0; i < c.alerts().emails().size(); i++) {
      String email = c.alerts().emails().get(i);
      require(email != null && email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"), "alerts.emails[" + i + "]",
          "an e-mail address", email, "fix the address, or subscribe to the alarm topic yourself");
    }
    require(RETENTION_DAYS.contains(c.logRetentionDays()), "logRetentionDays",
        "one of CloudWatch Logs' retention values " + RETENTION_DAYS.stream().sorted().toList(), c.logRetentionDays(),
        "pick the nearest allowed value, e.g. 90");
    for (Map.Entry<String, DeployConfig.FunctionSize> e : c.functions().entrySet()) {
      String key = "functions." + e.getKey();
      if (!require(FunctionSpec.byName(e.getKey()) != null, key, "one of "
          + Arrays.stream(FunctionSpec.values()).map(FunctionSpec::functionName).toList(), e.getKey(),
          "use a function name exactly as listed")) {
        continue;
      }
      DeployConfig.FunctionSize size = e.getValue();
      if (size == null) {
        continue;
      }
      if (size.memoryMiB() != null) {
        require(size.memoryMiB() >= 128 && size.memoryMiB() <= 10240, key + ".memoryMiB", "between 128 and 10240",
            size.memoryMiB(), "Lambda allows 128-10240 MB; 1769 MB is one vCPU");
      }
      if (size.timeoutSeconds() != null) {
        require(size.timeoutSeconds() >= 1 && size.timeoutSeconds() <= 900, key + ".timeoutSeconds",
            "between 1 and 900", size.timeoutSeconds(), "Lambda stops a function after 15 minutes at most");
      }
    }
    for (Map.Entry<String, Object> e : c.engine().entrySet()) {
      if (!require(ENGINE_KEYS.contains(e.getKey()), "engine." + e.getKey(), "one of " + sorted(ENGINE_KEYS),
          e.getKey(), "the other engine keys are set from this file's own sections (docs/deploy.md)")) {
        continue;
      }
      if (e.getKey().equals("source")) {
        if (require(e.getValue() instanceof Map, "engine.source", "a section with " + sorted(ENGINE_SOURCE_KEYS),
            e.getValue(), "e.g. engine: {source: {socketTimeoutSeconds: 900}}")) {
          for (Object k : ((Map<?, ?>) e.getValue()).keySet()) {
            require(ENGINE_SOURCE_KEYS.contains(String.valueOf(k)), "engine.source." + k,
                "one of " + sorted(ENGINE_SOURCE_KEYS), k, "the login, TLS and CA bundle come from source: above");
          }
        }
      }
    }
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }

  private void secretArn(String key, String arn, String account, String region, boolean required, String what) {
    if (arn == null && !required) {
      return;
    }
    Matcher m = arn == null ? null : SECRET_ARN.matcher(arn);
    if (!require(m != null && m.matches(), key, what + ": arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6"
        + " characters>", arn, "copy the full Secret ARN from the Secrets Manager console (with its random suffix, so"
        + " the permission names exactly this secret)")) {
      return;
    }
    require(region == null || m.group(2).equals(region), key, "a secret in aws.region " + region, arn,
        "create the secret in the Region of the stack");
    require(account == null || m.group(3).equals(account), key, "a secret in aws.account " + account, arn,
        "create the secret in the account of the stack");
  }

  private Path localFile(String key, String location, Path baseDir, String mustContain, String fix) {
    if (!require(location != null && !location.isBlank(), key, "the path of a local file", location, fix)) {
      return null;
    }
    Path file = baseDir.resolve(location).normalize();
    if (!require(Files.isRegularFile(file) && Files.isReadable(file), key, "a readable file (" + file + ")", location,
        fix)) {
      return null;
    }
    if (mustContain != null) {
      try {
        require(Files.readString(file, StandardCharsets.ISO_8859_1).contains(mustContain), key,
            "a PEM file with at least one certificate", location, fix);
      } catch (IOException | java.io.UncheckedIOException e) {
        require(false, key, "a PEM file (text)", location + ": " + e.getMessage(), fix);
      }
    }
    return file;
  }
}
