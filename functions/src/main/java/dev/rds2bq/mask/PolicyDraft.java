package dev.rds2bq.mask;

import dev.rds2bq.mask.MaskingPolicy.Detection;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.types.MappedColumn;
import dev.rds2bq.types.SourceFamily;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A starting policy for whole databases: every table and column listed, each with the detector's
 * suggestion and, as a comment, why. It is a draft for a person to review, so every detected column
 * gets a masking rule (a key such as {@code address_id} excepted) and the rest {@code keep}.
 */
public final class PolicyDraft {
  private static final Set<String> EMAIL = Set.of("mail", "メール");
  private static final Set<String> BIRTH = Set.of("birth", "(^|_)dob(_|$)", "tanjo", "生年月日", "誕生日");
  private static final Set<String> PHONE = Set.of("phone", "(^|_)tel(_|$)", "mobile", "(^|_)fax(_|$)", "denwa",
      "keitai", "電話", "携帯", "ファクス|ファックス");

  private final MaskingPolicy detection;
  /** database → table → YAML lines of its columns. */
  private final Map<String, Map<String, List<String>>> tables = new LinkedHashMap<>();

  /** @param detection a policy whose patterns detect; its rules are ignored (an empty policy is usual) */
  public PolicyDraft(MaskingPolicy detection) {
    this.detection = detection;
  }

  /** Adds a table, with the value scan's findings for its columns (column → reason). */
  public void add(TableSchema schema, Map<String, String> valueFindings) {
    Map<String, Detection> detected = detection.detect(schema, valueFindings);
    List<String> lines = new java.util.ArrayList<>();
    int width = 0;
    for (SourceColumn c : schema.columns()) {
      width = Math.max(width, key(c.name()).length());
    }
    for (SourceColumn c : schema.columns()) {
      MappedColumn m = c.mapping();
      Detection d = detected.get(c.name());
      String rule;
      String why;
      if (m == null) {
        rule = "drop";
        why = "type " + c.columnType() + " is not mapped";
      } else if (d == null) {
        rule = "keep";
        why = "not detected";
      } else {
        rule = suggest(d, c, m);
        why = d.reason() + (rule.equals("keep") ? "; a key to another table, not the value itself" : "");
      }
      String entry = key(c.name()) + ": " + rule;
      lines.add(String.format("%-" + (width + 40) + "s# %s", entry, why).stripTrailing());
    }
    tables.computeIfAbsent(schema.database(), k -> new LinkedHashMap<>()).put(schema.table(), lines);
  }

  static String suggest(Detection d, SourceColumn c, MappedColumn m) {
    SourceFamily f = m.family();
    if (!d.source().equals("name") && !d.source().equals("comment")) {
      return "drop"; // free text or a copy of a personal column: nothing of it is safe to keep as it is
    }
    String p = d.what();
    if ((f == SourceFamily.INT || f == SourceFamily.LONG || f == SourceFamily.UNSIGNED_BIGINT)
        && c.name().toLowerCase(java.util.Locale.ROOT).endsWith("id")) {
      return "keep";
    }
    if (EMAIL.contains(p)) {
      return f == SourceFamily.TEXT ? "{policy: hash, normalize: lowercase}" : "hash";
    }
    if (BIRTH.contains(p)) {
      return f.isTemporal() ? "age_band" : "drop";
    }
    if (PHONE.contains(p)) {
      return "{policy: redact, value: \"***\"}";
    }
    return "drop";
  }

  /** The YAML text: a header comment, then every database, table and column added, in order. */
  public String yaml(String header) {
    StringBuilder b = new StringBuilder();
    for (String line : header.split("\n")) {
      b.append("# ").append(line).append('\n');
    }
    b.append("version: 1\ndatabases:\n");
    for (Map.Entry<String, Map<String, List<String>>> db : tables.entrySet()) {
      b.append("  ").append(key(db.getKey())).append(":\n    tables:\n");
      for (Map.Entry<String, List<String>> t : db.getValue().entrySet()) {
        b.append("      ").append(key(t.getKey())).append(":\n        columns:\n");
        for (String line : t.getValue()) {
          b.append("          ").append(line).append('\n');
        }
      }
    }
    return b.toString();
  }

  /** A YAML key: bare when it is a plain identifier, else double-quoted. */
  static String key(String name) {
    if (name.matches("[A-Za-z_][A-Za-z0-9_]*") && !Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null")
        .contains(name.toLowerCase(java.util.Locale.ROOT))) {
      return name;
    }
    return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
