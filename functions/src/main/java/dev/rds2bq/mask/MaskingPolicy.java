package dev.rds2bq.mask;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rds2bq.config.PipelineConfig.RequireDecisions;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.naming.ColumnNames;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.types.ColumnType;
import dev.rds2bq.types.MappedColumn;
import dev.rds2bq.types.OutputType;
import dev.rds2bq.types.SourceFamily;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The declarative masking policy file (docs/masking.md), parsed and checked once, before any row is
 * read. {@link #resolve} then decides every column of a table and fails closed: a column that looks
 * personal must have a decision, and a decision must name a column that exists.
 */
public final class MaskingPolicy {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> ROOT_KEYS =
      Set.of("version", "personalColumnPatterns", "extraPersonalColumnPatterns", "databases", "sources");
  private static final Set<String> TABLE_KEYS = Set.of("default", "columns");
  private static final Set<String> RULE_KEYS = Set.of("policy", "value", "normalize");

  private final String fileName;
  private final PersonalDataDetector detector;
  /** database → table → (column → rule), with the table default under the key {@code null}. */
  private final Map<String, Map<String, TableRules>> databases;
  /** {@code masking.requireDecisions: all}: every table and column must be decided. */
  private final boolean requireAll;
  /**
   * A policy with {@code sources:}: source → its databases' rules, null for one with
   * {@code databases:}. Such a policy holds no rules of its own ({@link #forSource} gives each).
   */
  private final Map<String, Map<String, Map<String, TableRules>>> sources;

  record TableRules(MaskRule tableDefault, Map<String, MaskRule> columns) {}

  /**
   * Why a column needs a decision. {@code source} is {@code name}, {@code comment}, {@code value} or
   * {@code generated}; {@code what} the pattern, the value kind or the column read.
   */
  public record Detection(String source, String what, String reason) {}

  private MaskingPolicy(String fileName, PersonalDataDetector detector, Map<String, Map<String, TableRules>> dbs,
      boolean requireAll, Map<String, Map<String, Map<String, TableRules>>> sources) {
    this.fileName = fileName;
    this.detector = detector;
    this.databases = dbs;
    this.requireAll = requireAll;
    this.sources = sources;
  }

  /** This policy under the config's {@code masking.requireDecisions}. */
  public MaskingPolicy withRequireDecisions(RequireDecisions mode) {
    return new MaskingPolicy(fileName, detector, databases, mode == RequireDecisions.ALL, sources);
  }

  /**
   * The rules of one source: {@code name} null is a config with a single {@code source}, which
   * takes a policy with {@code databases:}; a named source takes its entry of a policy with
   * {@code sources:} (none: no rules, so every personal column needs one). A policy of the other
   * form is refused rather than guessed at: rules written for one source must not silently apply
   * to another's tables.
   */
  public MaskingPolicy forSource(String name) {
    if (name == null) {
      if (sources != null) {
        throw new MaskingPolicyException("masking policy " + fileName + " has 'sources', but the config has a single"
            + " source (key 'source'). Fix: name the databases at the top level (databases: {...}), or give the"
            + " config named sources");
      }
      return this;
    }
    if (sources == null) {
      throw new MaskingPolicyException("masking policy " + fileName + " has 'databases' at the top level, but the"
          + " config names its sources. Fix: put them under their source: sources: {" + name + ": {databases: {...}}}");
    }
    return new MaskingPolicy(fileName, detector, sources.getOrDefault(name, Map.of()), requireAll, null);
  }

  /** The sources a policy with {@code sources:} names, in file order; empty for one with {@code databases:}. */
  public List<String> sourceNames() {
    return sources == null ? List.of() : List.copyOf(sources.keySet());
  }

  public boolean requiresAll() {
    return requireAll;
  }

  /** The databases the file names, in file order. */
  public List<String> databaseNames() {
    return List.copyOf(databases.keySet());
  }

  public String fileName() {
    return fileName;
  }

  public PersonalDataDetector detector() {
    return detector;
  }

  /** Parses YAML or JSON (YAML is a superset). Every error names the file and the path in it. */
  public static MaskingPolicy parse(String fileName, String content) {
    JsonNode root;
    try {
      root = YAML.readTree(content);
    } catch (JsonProcessingException e) {
      throw new MaskingPolicyException("masking policy " + fileName + " is not valid YAML or JSON: "
          + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new MaskingPolicyException("masking policy " + fileName + " must be a mapping with the key 'databases'");
    }
    checkKeys(fileName, "(top level)", root, ROOT_KEYS);
    JsonNode version = root.get("version");
    if (version != null && !(version.canConvertToInt() && version.asInt() == 1)) {
      throw new MaskingPolicyException("masking policy " + fileName + ": 'version' must be 1, got " + version);
    }
    List<String> patterns = new ArrayList<>(PersonalDataDetector.DEFAULT_PATTERNS);
    if (root.has("personalColumnPatterns")) {
      patterns = stringList(fileName, "personalColumnPatterns", root.get("personalColumnPatterns"));
      if (patterns.isEmpty()) {
        throw new MaskingPolicyException("masking policy " + fileName + ": 'personalColumnPatterns' is empty, which"
            + " would turn name detection off. Fix: remove the key to use the default list, or list at least one"
            + " pattern (to add patterns to the default list, use extraPersonalColumnPatterns)");
      }
    }
    if (root.has("extraPersonalColumnPatterns")) {
      patterns.addAll(stringList(fileName, "extraPersonalColumnPatterns", root.get("extraPersonalColumnPatterns")));
    }
    for (String p : patterns) {
      try {
        Pattern.compile(p);
      } catch (PatternSyntaxException e) {
        throw new MaskingPolicyException("masking policy " + fileName + ": personal column pattern '" + p
            + "' is not a valid regular expression: " + e.getDescription());
      }
    }
    PersonalDataDetector detector = new PersonalDataDetector(patterns);
    JsonNode srcs = root.get("sources");
    if (srcs != null) {
      if (root.has("databases")) {
        throw new MaskingPolicyException("masking policy " + fileName + " has both 'sources' and 'databases'. Fix:"
            + " with sources, each source's databases go under it: sources: {app: {databases: {...}}}");
      }
      if (!srcs.isObject()) {
        throw new MaskingPolicyException("masking policy " + fileName
            + ": 'sources' must map source names to {databases: {...}}");
      }
      Map<String, Map<String, Map<String, TableRules>>> bySource = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = srcs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> src = it.next();
        String where = "sources." + src.getKey();
        if (!src.getValue().isObject()) {
          throw new MaskingPolicyException("masking policy " + fileName + ": " + where + " must be a mapping with"
              + " 'databases'");
        }
        checkKeys(fileName, where, src.getValue(), Set.of("databases"));
        bySource.put(src.getKey(), parseDatabases(fileName, where + ".", src.getValue().get("databases")));
      }
      return new MaskingPolicy(fileName, detector, Map.of(), false, bySource);
    }
    return new MaskingPolicy(fileName, detector, parseDatabases(fileName, "", root.get("databases")), false, null);
  }

  /** {@code databases: {db: {tables: {...}}}}; {@code prefix} is the path in front, for messages. */
  private static Map<String, Map<String, TableRules>> parseDatabases(String fileName, String prefix, JsonNode dbs) {
    if (dbs == null || !dbs.isObject()) {
      throw new MaskingPolicyException("masking policy " + fileName
          + ": '" + prefix + "databases' must map database names to {tables: {...}}");
    }
    Map<String, Map<String, TableRules>> databases = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = dbs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> db = it.next();
      String where = prefix + "databases." + db.getKey();
      if (!db.getValue().isObject()) {
        throw new MaskingPolicyException("masking policy " + fileName + ": " + where + " must be a mapping with 'tables'");
      }
      checkKeys(fileName, where, db.getValue(), Set.of("tables"));
      JsonNode tables = db.getValue().get("tables");
      Map<String, TableRules> tableMap = new LinkedHashMap<>();
      if (tables != null && !tables.isNull()) {
        if (!tables.isObject()) {
          throw new MaskingPolicyException("masking policy " + fileName + ": " + where + ".tables must be a mapping");
        }
        for (Iterator<Map.Entry<String, JsonNode>> tit = tables.fields(); tit.hasNext(); ) {
          Map.Entry<String, JsonNode> t = tit.next();
          tableMap.put(t.getKey(), parseTable(fileName, where + ".tables." + t.getKey(), t.getValue()));
        }
      }
      databases.put(db.getKey(), tableMap);
    }
    return databases;
  }

  private static TableRules parseTable(String file, String where, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new MaskingPolicyException("masking policy " + file + ": " + where
          + " must be a mapping with 'columns' and optionally 'default'");
    }
    checkKeys(file, where, node, TABLE_KEYS);
    MaskRule tableDefault = node.has("default") ? parseRule(file, where + ".default", node.get("default")) : null;
    Map<String, MaskRule> columns = new LinkedHashMap<>();
    JsonNode cols = node.get("columns");
    if (cols != null && !cols.isNull()) {
      if (!cols.isObject()) {
        throw new MaskingPolicyException("masking policy " + file + ": " + where + ".columns must map column names to policies");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = cols.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> c = it.next();
        columns.put(c.getKey(), parseRule(file, where + ".columns." + c.getKey(), c.getValue()));
      }
    }
    return new TableRules(tableDefault, columns);
  }

  private static MaskRule parseRule(String file, String where, JsonNode node) {
    String policy;
    JsonNode value = null;
    boolean lowercase = false;
    if (node != null && node.isTextual()) {
      policy = node.asText();
    } else if (node != null && node.isObject()) {
      checkKeys(file, where, node, RULE_KEYS);
      JsonNode p = node.get("policy");
      if (p == null || !p.isTextual()) {
        throw new MaskingPolicyException("masking policy " + file + ": " + where
            + " needs 'policy', one of: " + MaskKind.allNames());
      }
      policy = p.asText();
      value = node.get("value");
      JsonNode normalize = node.get("normalize");
      if (normalize != null) {
        if (!"lowercase".equals(normalize.asText())) {
          throw new MaskingPolicyException("masking policy " + file + ": " + where
              + ".normalize must be 'lowercase', got " + normalize);
        }
        lowercase = true;
      }
    } else {
      throw new MaskingPolicyException("masking policy " + file + ": " + where
          + " must be a policy name or {policy: ...}; policies are: " + MaskKind.allNames());
    }
    MaskKind kind = MaskKind.parse(policy);
    if (kind == null) {
      throw new MaskingPolicyException("masking policy " + file + ": " + where + " has unknown policy '" + policy
          + "'; use one of: " + MaskKind.allNames());
    }
    if (value != null && kind != MaskKind.REDACT) {
      throw new MaskingPolicyException("masking policy " + file + ": " + where
          + ".value is only for 'redact'");
    }
    if (lowercase && kind != MaskKind.HASH) {
      throw new MaskingPolicyException("masking policy " + file + ": " + where + ".normalize is only for 'hash'");
    }
    if (value != null && !value.isNull() && !value.isValueNode()) {
      throw new MaskingPolicyException("masking policy " + file + ": " + where + ".value must be text or null");
    }
    String constant = value == null || value.isNull() ? null : value.asText();
    return new MaskRule(kind, constant, lowercase);
  }

  private static void checkKeys(String file, String where, JsonNode node, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new MaskingPolicyException("masking policy " + file + ": unknown key '" + key + "' at " + where
            + "; allowed keys there: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  private static List<String> stringList(String file, String key, JsonNode node) {
    if (!node.isArray()) {
      throw new MaskingPolicyException("masking policy " + file + ": '" + key + "' must be a list of regular expressions");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual() || n.asText().isEmpty()) {
        throw new MaskingPolicyException("masking policy " + file + ": '" + key
            + "' must hold non-empty regular expressions as text; got " + n);
      }
      out.add(n.asText());
    }
    return out;
  }

  /** Tables the policy names in a database that are not in {@code existing}: a typo to report at plan time. */
  public List<String> unknownTables(String database, Set<String> existing) {
    Map<String, TableRules> tables = databases.getOrDefault(database, Map.of());
    return tables.keySet().stream().filter(t -> !existing.contains(t)).sorted().toList();
  }

  /**
   * Every database and table the file names that the source lacks, each with a did-you-mean hint:
   * a misspelled or wrong-case key would otherwise leave that database's columns without their rules.
   *
   * @param sourceDatabases every database on the source
   * @param tablesOf the base tables of one existing database
   */
  public List<String> unknownNames(Set<String> sourceDatabases, java.util.function.Function<String, Set<String>> tablesOf) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Map<String, TableRules>> db : databases.entrySet()) {
      if (!sourceDatabases.contains(db.getKey())) {
        problems.add("masking policy " + fileName + " names database '" + db.getKey() + "', which the source does not"
            + " have" + DidYouMean.hint(db.getKey(), sourceDatabases) + "; its rules would apply to nothing."
            + " Fix: rename or remove databases." + db.getKey());
        continue;
      }
      Set<String> tables = tablesOf.apply(db.getKey());
      for (String t : db.getValue().keySet()) {
        if (!tables.contains(t)) {
          problems.add("masking policy " + fileName + " names table '" + db.getKey() + "." + t + "', which database '"
              + db.getKey() + "' does not have" + DidYouMean.hint(t, tables)
              + ". Fix: rename or remove databases." + db.getKey() + ".tables." + t);
        }
      }
    }
    return problems;
  }

  /**
   * Decides every column of a table, or throws {@link MaskingPolicyException} naming the file, table,
   * column and fix. Runs before any row is read. Detection here is by name, comment and generation
   * expression; PlanRun adds the value scan's findings through {@link #resolve(TableSchema, Map)}.
   */
  public TableMasking resolve(TableSchema schema) {
    return resolve(schema, Map.of(), ColumnNames.DEFAULT);
  }

  /**
   * As {@link #resolve(TableSchema)}, with the value scan's findings: column name → reason, e.g.
   * {@code value scan: 41 of 1000 sampled values hold an e-mail address}.
   */
  public TableMasking resolve(TableSchema schema, Map<String, String> valueFindings) {
    return resolve(schema, valueFindings, ColumnNames.DEFAULT);
  }

  /**
   * As {@link #resolve(TableSchema, Map)}, with the kept columns named by {@code naming} (the config's
   * {@code columnNames}); a rename that does not fit the table fails with {@code ConfigException}.
   */
  public TableMasking resolve(TableSchema schema, Map<String, String> valueFindings, ColumnNames naming) {
    TableRules rules = rulesFor(schema);
    Map<String, MaskRule> named = rules == null ? Map.of() : rules.columns();
    MaskRule tableDefault = rules == null ? null : rules.tableDefault();
    String table = schema.qualifiedName();

    for (String column : named.keySet()) {
      if (schema.column(column) == null) {
        List<String> names = schema.columns().stream().map(SourceColumn::name).toList();
        throw new MaskingPolicyException("masking policy " + fileName + ": table " + table + " has no column '"
            + column + "'" + DidYouMean.hint(column, names) + "; its columns are: " + names
            + ". Fix: rename or remove the entry.");
      }
    }
    Map<String, Detection> detected = detect(schema, valueFindings);
    List<String> problems = new ArrayList<>();
    if (requireAll && rules == null) {
      problems.add("the table is not in the policy (masking.requireDecisions: all). Fix: add databases."
          + schema.database() + ".tables." + schema.table() + " with a rule for each of its columns "
          + schema.columns().stream().map(SourceColumn::name).toList() + " or a default");
    }
    List<SourceColumn> sources = new ArrayList<>();
    List<MappedColumn> mapped = new ArrayList<>();
    List<MaskRule> chosen = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (SourceColumn c : schema.columns()) {
      MaskRule explicit = find(named, c.name());
      MaskRule rule;
      String reason;
      if (explicit != null) {
        // An explicit rule, keep included, always wins over detection.
        rule = explicit;
        reason = "policy";
      } else {
        Detection personal = detected.get(c.name());
        if (personal != null && (tableDefault == null || tableDefault.kind() == MaskKind.KEEP)) {
          problems.add("column '" + c.name() + "' looks personal (" + personal.reason() + ") and has no policy."
              + " Fix: add databases." + schema.database() + ".tables." + schema.table() + ".columns." + c.name()
              + " with one of " + MaskKind.allNames() + " (keep if it is not personal)");
          continue;
        }
        if (requireAll && tableDefault == null && rules != null) {
          problems.add("column '" + c.name() + "' has no decision (masking.requireDecisions: all). Fix: add databases."
              + schema.database() + ".tables." + schema.table() + ".columns." + c.name() + " or a table default");
          continue;
        }
        rule = tableDefault == null ? MaskRule.KEEP : tableDefault;
        reason = tableDefault == null ? "not personal" : "table default";
      }
      MappedColumn m = c.mapping();
      if (m == null && rule.kind() != MaskKind.DROP) {
        problems.add("column '" + c.name() + "' has type '" + c.columnType()
            + "' that rds2bq does not map. Fix: set it to drop in the policy");
        continue;
      }
      String incompatible = m == null ? null : incompatibility(rule, m);
      if (incompatible != null) {
        problems.add("column '" + c.name() + "' (" + c.columnType() + ") cannot take policy '"
            + rule.kind().policyName() + "': " + incompatible);
        continue;
      }
      sources.add(c);
      mapped.add(m);
      chosen.add(rule);
      reasons.add(reason);
    }
    if (!problems.isEmpty()) {
      throw new MaskingPolicyException("masking policy " + fileName + ", table " + table + ": "
          + String.join("; ", problems));
    }
    List<String> keptNames = new ArrayList<>();
    List<String> droppedNames = new ArrayList<>();
    for (int i = 0; i < mapped.size(); i++) {
      if (chosen.get(i).kind() != MaskKind.DROP) {
        keptNames.add(sources.get(i).name());
      } else {
        droppedNames.add(sources.get(i).name());
      }
    }
    List<String> outputNames = naming.assign(schema.database(), schema.table(), keptNames, droppedNames);
    List<ColumnDecision> decisions = new ArrayList<>();
    int k = 0;
    StringBuilder canonical = new StringBuilder("rds2bq-masking-v1\n").append(table).append('\n');
    for (int i = 0; i < mapped.size(); i++) {
      MaskRule rule = chosen.get(i);
      MappedColumn m = mapped.get(i);
      SourceColumn source = sources.get(i);
      canonical.append(source.name()).append('=').append(rule.canonical()).append('\n');
      if (rule.kind() == MaskKind.DROP) {
        decisions.add(new ColumnDecision(source, m, rule, null, null, reasons.get(i)));
      } else {
        decisions.add(new ColumnDecision(source, m, rule, outputNames.get(k++), outputType(rule, m), reasons.get(i)));
      }
    }
    return new TableMasking(decisions, sha256(canonical.toString()));
  }

  /**
   * The table's rules, or null when the file has none. A database or table key that differs from
   * the source's name only in case is an error, not "no rules": the columns it meant to mask would
   * otherwise be exported by the default path.
   */
  private TableRules rulesFor(TableSchema schema) {
    Map<String, TableRules> tables = databases.get(schema.database());
    if (tables == null) {
      for (String db : databases.keySet()) {
        if (db.equalsIgnoreCase(schema.database())) {
          throw new MaskingPolicyException("masking policy " + fileName + ": table " + schema.qualifiedName()
              + ": the file names database '" + db + "', but the source's is '" + schema.database()
              + "' (names are case-sensitive). Fix: rename databases." + db + " to " + schema.database());
        }
      }
      return null;
    }
    TableRules rules = tables.get(schema.table());
    if (rules == null) {
      for (String t : tables.keySet()) {
        if (t.equalsIgnoreCase(schema.table())) {
          throw new MaskingPolicyException("masking policy " + fileName + ": table " + schema.qualifiedName()
              + ": the file names table '" + t + "', but the source's is '" + schema.table()
              + "' (names are case-sensitive). Fix: rename databases." + schema.database() + ".tables." + t + " to "
              + schema.table());
        }
      }
    }
    return rules;
  }

  /**
   * Every column that needs a decision and why, in column order: its name or comment matches a
   * pattern, the value scan flagged it, or it is generated from a column that needs a decision or
   * is masked. Explicit rules are not consulted here, except to follow generated columns.
   */
  public Map<String, Detection> detect(TableSchema schema, Map<String, String> valueFindings) {
    TableRules rules = rulesFor(schema);
    Map<String, MaskRule> named = rules == null ? Map.of() : rules.columns();
    MaskRule tableDefault = rules == null ? null : rules.tableDefault();
    Map<String, String> findings = new LinkedHashMap<>();
    valueFindings.forEach((k, v) -> findings.put(k.toLowerCase(Locale.ROOT), v));
    Map<String, Detection> out = new LinkedHashMap<>();
    for (SourceColumn c : schema.columns()) {
      String p = detector.match(c.name());
      if (p != null) {
        out.put(c.name(), new Detection("name", p, "its name matches pattern '" + p + "'"));
        continue;
      }
      p = detector.matchComment(c.comment());
      if (p != null) {
        out.put(c.name(), new Detection("comment", p, "its comment matches pattern '" + p + "'"));
        continue;
      }
      String f = findings.get(c.name().toLowerCase(Locale.ROOT));
      if (f != null) {
        out.put(c.name(), new Detection("value", "", f));
      }
    }
    // A generated column shows what it reads: contact AS (email) is the e-mail address again.
    boolean changed = true;
    while (changed) {
      changed = false;
      Set<String> sensitive = new HashSet<>();
      for (SourceColumn c : schema.columns()) {
        MaskRule explicit = find(named, c.name());
        boolean masked = explicit != null ? explicit.kind() != MaskKind.KEEP
            : out.containsKey(c.name()) || (tableDefault != null && tableDefault.kind() != MaskKind.KEEP);
        if (masked) {
          sensitive.add(c.name().toLowerCase(Locale.ROOT));
        }
      }
      for (SourceColumn c : schema.columns()) {
        if (!c.generated() || out.containsKey(c.name())) {
          continue;
        }
        for (String id : identifiers(c.generationExpression())) {
          if (!id.equalsIgnoreCase(c.name()) && sensitive.contains(id)) {
            String read = schema.column(id).name();
            out.put(c.name(), new Detection("generated", read, "it is generated from '" + read
                + "', which needs a decision"));
            changed = true;
            break;
          }
        }
      }
    }
    return out;
  }

  private static final Pattern QUOTED_TEXT = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'");
  private static final Pattern IDENTIFIER = Pattern.compile("`((?:[^`]|``)+)`|[\\p{L}\\p{N}_$]+");

  /** The names an expression may read, lower-cased; text literals are skipped. */
  static Set<String> identifiers(String expression) {
    Set<String> ids = new HashSet<>();
    Matcher m = IDENTIFIER.matcher(QUOTED_TEXT.matcher(expression).replaceAll(" "));
    while (m.find()) {
      String id = m.group(1) != null ? m.group(1).replace("``", "`") : m.group();
      ids.add(id.toLowerCase(Locale.ROOT));
    }
    return ids;
  }

  /**
   * The columns the plan-time value scan reads: text, JSON and binary columns (not ENUM or SET, whose
   * values the schema fixes) that would be kept without a decision. A column with an explicit rule,
   * keep included, or under a masking table default is not scanned; neither is one already flagged
   * by its name or comment.
   */
  public List<SourceColumn> valueScanColumns(TableSchema schema) {
    TableRules rules = rulesFor(schema);
    Map<String, MaskRule> named = rules == null ? Map.of() : rules.columns();
    MaskRule tableDefault = rules == null ? null : rules.tableDefault();
    if (tableDefault != null && tableDefault.kind() != MaskKind.KEEP) {
      return List.of();
    }
    List<SourceColumn> out = new ArrayList<>();
    for (SourceColumn c : schema.columns()) {
      if (find(named, c.name()) != null || detector.match(c.name()) != null
          || detector.matchComment(c.comment()) != null) {
        continue;
      }
      MappedColumn m = c.mapping();
      if (m == null || c.enumerated()) {
        continue;
      }
      SourceFamily f = m.family();
      if (f == SourceFamily.TEXT || f == SourceFamily.JSON || f == SourceFamily.BINARY) {
        out.add(c);
      }
    }
    return out;
  }

  private static MaskRule find(Map<String, MaskRule> named, String column) {
    MaskRule exact = named.get(column);
    if (exact != null) {
      return exact;
    }
    // MySQL column names are case-insensitive.
    for (Map.Entry<String, MaskRule> e : named.entrySet()) {
      if (e.getKey().equalsIgnoreCase(column)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static String incompatibility(MaskRule rule, MappedColumn m) {
    SourceFamily f = m.family();
    switch (rule.kind()) {
      case AGE_BAND:
      case YEAR:
      case YEAR_MONTH:
        return f.isTemporal() ? null : "it needs a DATE, DATETIME or TIMESTAMP column";
      case EMAIL_DOMAIN:
        return f == SourceFamily.TEXT ? null : "it needs a text column";
      default:
        return null;
    }
  }

  static ColumnType outputType(MaskRule rule, MappedColumn m) {
    switch (rule.kind()) {
      case KEEP:
        return m.type();
      case HASH:
      case AGE_BAND:
      case EMAIL_DOMAIN:
        return ColumnType.of(OutputType.STRING);
      case YEAR:
      case YEAR_MONTH:
        return ColumnType.of(OutputType.DATE);
      case REDACT:
        return rule.constant() == null ? m.type() : ColumnType.of(OutputType.STRING);
      default:
        throw new IllegalStateException(rule.kind().name());
    }
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
