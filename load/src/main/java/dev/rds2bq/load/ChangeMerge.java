package dev.rds2bq.load;

import dev.rds2bq.config.PipelineConfig.IncrementalConfig;
import dev.rds2bq.config.PipelineConfig.IncrementalMode;
import dev.rds2bq.config.PipelineConfig.IncrementalTable;
import dev.rds2bq.contract.Manifest;
import dev.rds2bq.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How an incremental table's rows enter BigQuery (docs/loading.md#merge): a change set is loaded
 * into the staging table {@code <table>__staging} and merged into the table by its key, one
 * GoogleSQL {@code MERGE} that updates matched rows, inserts new ones and, with
 * {@code deletes: {soft: column}}, deletes the rows the column marks. Running it twice gives the same
 * table: a matched row is set to the staged values again, an inserted one is matched the second time.
 * With {@code deletes: key_diff} the change set also carries every key of the source, loaded into
 * {@code <table>__keys}, and the rows whose key is not there are deleted.
 *
 * @param key the output columns a row is matched by: the primary key, or an append_only log's cursor
 * @param softDelete the output column that marks a row deleted, or null
 * @param softDeleteType its BigQuery type, which decides what "deleted" means
 * @param columns every output column, in the table's order
 * @param keyDiff whether the rows whose key is missing from the change set's key files are deleted
 */
record ChangeMerge(List<String> key, String softDelete, String softDeleteType, List<String> columns,
    boolean keyDiff) {

  static final String STAGING_SUFFIX = "__staging";
  static final String KEYS_SUFFIX = "__keys";

  static String stagingTable(String destinationTable) {
    return destinationTable + STAGING_SUFFIX;
  }

  /** Where a key_diff change set's keys are loaded: every primary key of the source in the export's snapshot. */
  static String keysTable(String destinationTable) {
    return destinationTable + KEYS_SUFFIX;
  }

  /**
   * The merge of an incremental table's manifest, from its config entry; null for a snapshot table.
   * A key or soft-delete column the snapshot does not carry (dropped by the policy) is refused
   * naming it: merging by part of a key would overwrite other rows.
   */
  static ChangeMerge of(String what, Manifest m, IncrementalConfig incremental) {
    if (m.window() == null) {
      return null;
    }
    IncrementalTable inc = incremental == null ? null : incremental.of(m.source(), m.database(), m.table());
    if (inc == null) {
      throw new InvalidInputException(what + ": its snapshot was read by cursor " + m.window().column() + " but the"
          + " table is no longer in incremental.tables; put it back, or run it as a full snapshot"
          + " (\"modes\": {\"" + m.database() + "." + m.table() + "\": \"snapshot\"})");
    }
    return of(what, m, inc);
  }

  /**
   * The soft deletes of any whole-table load of an incremental table, a full snapshot or one read as
   * a plain snapshot ({@code "modes": "snapshot"}): null when the table has none. Only
   * {@link #deleteSql} is meant for it.
   */
  static ChangeMerge softDeletesOf(String what, Manifest m, IncrementalConfig incremental) {
    IncrementalTable inc = incremental == null ? null : incremental.of(m.source(), m.database(), m.table());
    if (inc == null || inc.deletes().soft() == null) {
      return null;
    }
    String soft = output(what, m, inc.deletes().soft(), "its soft-delete column (deletes.soft)");
    String type = m.bigQuerySchema().stream().filter(f -> f.name().equals(soft)).findFirst().orElseThrow().type();
    return new ChangeMerge(List.of(), soft, type, List.of(), false);
  }

  private static ChangeMerge of(String what, Manifest m, IncrementalTable inc) {
    List<String> columns = m.bigQuerySchema().stream().map(Manifest.BigQueryField::name).toList();
    List<String> key;
    if (inc.mode() == IncrementalMode.APPEND_ONLY) {
      key = List.of(output(what, m, m.window().column(), "its append_only cursor"));
    } else {
      key = m.primaryKey() == null ? List.of() : m.primaryKey();
      if (key.isEmpty()) {
        throw new InvalidInputException(what + ": the snapshot carries no primary key column, so its rows cannot be"
            + " merged by key; keep (or hash) the key columns in the masking policy");
      }
    }
    String soft = null;
    String type = null;
    if (inc.deletes().soft() != null) {
      soft = output(what, m, inc.deletes().soft(), "its soft-delete column (deletes.soft)");
      String named = soft;
      type = m.bigQuerySchema().stream().filter(f -> f.name().equals(named)).findFirst().orElseThrow().type();
    }
    return new ChangeMerge(key, soft, type, columns, inc.deletes().keyDiff());
  }

  private static String output(String what, Manifest m, String sourceColumn, String role) {
    for (Manifest.Column c : m.columns()) {
      if (c.source().equalsIgnoreCase(sourceColumn)) {
        if (c.output() == null) {
          throw new InvalidInputException(what + ": " + role + " '" + sourceColumn + "' is dropped by the masking"
              + " policy, so BigQuery cannot apply the rows by it; keep the column");
        }
        return c.output();
      }
    }
    throw new InvalidInputException(what + ": " + role + " '" + sourceColumn + "' is not a column of the snapshot");
  }

  /**
   * Whether {@code alias}'s row is marked deleted: a true flag, a non-zero number, or a set
   * deleted-at (any other type).
   */
  String deleted(String alias) {
    String c = alias + "." + quote(softDelete);
    return switch (softDeleteType) {
      case "BOOL", "BOOLEAN" -> "IFNULL(" + c + ", FALSE)";
      case "INT64", "INTEGER", "NUMERIC", "BIGNUMERIC", "FLOAT64" -> "IFNULL(" + c + " != 0, FALSE)";
      default -> "(" + c + " IS NOT NULL)";
    };
  }

  /** The statement that applies the staged rows to the table; both are {@code project.dataset.table}. */
  String mergeSql(String target, String staging) {
    List<String> set = new ArrayList<>();
    for (String c : columns) {
      if (!key.contains(c)) {
        set.add(quote(c) + " = S." + quote(c));
      }
    }
    StringBuilder sql = new StringBuilder("MERGE `").append(target).append("` T USING `").append(staging)
        .append("` S ON ").append(joinOn());
    if (softDelete != null) {
      sql.append(" WHEN MATCHED AND ").append(deleted("S")).append(" THEN DELETE");
    }
    if (!set.isEmpty()) {
      sql.append(" WHEN MATCHED THEN UPDATE SET ").append(String.join(", ", set));
    }
    sql.append(" WHEN NOT MATCHED").append(softDelete == null ? "" : " AND NOT " + deleted("S"))
        .append(" THEN INSERT (").append(columns.stream().map(ChangeMerge::quote).collect(Collectors.joining(", ")))
        .append(") VALUES (").append(columns.stream().map(c -> "S." + quote(c)).collect(Collectors.joining(", ")))
        .append(")");
    return sql.toString();
  }

  /**
   * After the merge: how many staged rows there were, how many of them were deletes, and how many
   * the table contradicts (a live row missing from it, a deleted one still in it). Both of the
   * last two must be 0.
   */
  String checkSql(String target, String staging) {
    String deleted = softDelete == null ? "FALSE" : deleted("S");
    String missing = "T." + quote(key.get(0)) + " IS NULL";
    return "SELECT COUNT(*) AS staged, COUNTIF(" + deleted + ") AS deletes, COUNTIF(" + missing + " AND NOT "
        + deleted + ") AS missing, COUNTIF(NOT (" + missing + ") AND " + deleted + ") AS kept FROM `" + staging
        + "` S LEFT JOIN `" + target + "` T ON " + joinOn();
  }

  /**
   * key_diff: removes the rows whose key the source no longer has (is not among the keys read in
   * the export's snapshot). Idempotent, like the merge.
   */
  String deleteMissingSql(String target, String keys) {
    return "DELETE FROM `" + target + "` T WHERE NOT EXISTS (SELECT 1 FROM `" + keys + "` S WHERE " + joinOn() + ")";
  }

  /** Removes the rows a loaded full snapshot holds that its soft-delete column marks deleted. */
  String deleteSql(String target) {
    return "DELETE FROM `" + target + "` T WHERE " + deleted("T");
  }

  /** The same in one day partition of a history table. */
  String deleteSql(String history, java.time.LocalDate day) {
    return deleteSql(history) + " AND _PARTITIONDATE = DATE '" + day + "'";
  }

  /** A filter on the table, aliased {@code T}, selecting its rows whose key the staging table holds. */
  String stagedRows(String staging) {
    return "EXISTS (SELECT 1 FROM `" + staging + "` S WHERE " + joinOn() + ")";
  }

  private String joinOn() {
    return key.stream().map(k -> "T." + quote(k) + " = S." + quote(k)).collect(Collectors.joining(" AND "));
  }

  private static String quote(String column) {
    return "`" + column + "`";
  }
}
