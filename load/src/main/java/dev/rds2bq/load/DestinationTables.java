package dev.rds2bq.load;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Dataset;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.config.PipelineConfig.SchemaChanges;
import dev.rds2bq.error.LoadRejectedException;
import dev.rds2bq.contract.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Makes the destination dataset and table exist with the snapshot's schema before DTS loads into
 * them (DTS does not create tables). Schema drift is handled per {@code bigquery.schemaChanges}
 * (docs/loading.md#schema-changes): with ADD_COLUMNS new columns are added to the table and
 * descriptions follow the manifest; a column removed or retyped always fails, naming it, because
 * loading past it would silently fill it with NULLs or break the load.
 */
final class DestinationTables {
  private final BigQuery bigQuery;
  private final BigQueryConfig config;
  private boolean datasetChecked;

  DestinationTables(BigQuery bigQuery, BigQueryConfig config) {
    this.bigQuery = bigQuery;
    this.config = config;
  }

  /** The history table of a destination table: one day partition per run date. */
  static String historyTable(String destinationTable) {
    return destinationTable + "__history";
  }

  /** Returns what it did: "created", "schema updated (added: a, b)", "unchanged" or "descriptions updated". */
  String ensure(Manifest manifest) {
    return ensure(manifest, config.tableFor(manifest.source(), manifest.database(), manifest.table()), false);
  }

  /** The same for the table's history table ({@code bigquery.history: daily}). */
  String ensureHistory(Manifest manifest) {
    return ensure(manifest,
        historyTable(config.tableFor(manifest.source(), manifest.database(), manifest.table())), true);
  }

  /** Whether the table exists in the dataset. */
  boolean exists(String what, String tableName) {
    try {
      return bigQuery.getTable(TableId.of(config.projectId(), config.dataset(), tableName)) != null;
    } catch (BigQueryException e) {
      throw LoadErrors.bigQuery(what + ": looking up BigQuery table " + config.dataset() + "." + tableName, e, config);
    }
  }

  /**
   * The staging table a change set is loaded into before its merge: rds2bq's own, with exactly the
   * change set's columns. One with other columns (the table gained one) is dropped and created
   * again: it holds nothing but the last change set, which its merge has applied.
   */
  String ensureStaging(Manifest manifest, String stagingTable) {
    return ensureStaging(manifest, stagingTable, null);
  }

  /** The same, with the given columns only (null: all), as for the table of a change set's keys. */
  String ensureStaging(Manifest manifest, String stagingTable, List<String> only) {
    String what = "table " + (manifest.source() == null ? "" : manifest.source() + ".") + manifest.database() + "."
        + manifest.table();
    ensureDataset(what);
    TableId id = TableId.of(config.projectId(), config.dataset(), stagingTable);
    List<Field> wanted = manifest.bigQuerySchema().stream().filter(f -> only == null || only.contains(f.name()))
        .map(DestinationTables::field).toList();
    try {
      Table existing = bigQuery.getTable(id);
      if (existing != null) {
        Schema current = existing.getDefinition().getSchema();
        List<Field> have = current == null ? List.of() : current.getFields();
        boolean same = have.size() == wanted.size();
        for (int i = 0; same && i < have.size(); i++) {
          same = have.get(i).getName().equals(wanted.get(i).getName())
              && have.get(i).getType().equals(wanted.get(i).getType());
        }
        if (same) {
          return "unchanged";
        }
        bigQuery.delete(id);
      }
      bigQuery.create(TableInfo.newBuilder(id, StandardTableDefinition.newBuilder().setSchema(Schema.of(wanted)).build())
          .setDescription("Staging of the change sets merged into " + config.tableFor(manifest.source(),
              manifest.database(), manifest.table()) + " by rds2bq; holds the last one only").build());
      return existing == null ? "created" : "created again with the change set's columns";
    } catch (BigQueryException e) {
      throw LoadErrors.bigQuery(what + ": preparing staging table " + config.dataset() + "." + stagingTable, e, config);
    }
  }

  private String ensure(Manifest manifest, String tableName, boolean history) {
    String what = "table " + (manifest.source() == null ? "" : manifest.source() + ".") + manifest.database() + "."
        + manifest.table();
    ensureDataset(what);
    TableId id = TableId.of(config.projectId(), config.dataset(), tableName);
    List<Field> wanted = manifest.bigQuerySchema().stream().map(DestinationTables::field).toList();
    TableLayouts.Layout layout = TableLayouts.of(what, config, manifest, history);
    try {
      Table existing = bigQuery.getTable(id);
      if (existing == null) {
        StandardTableDefinition.Builder definition = StandardTableDefinition.newBuilder().setSchema(Schema.of(wanted));
        if (layout.partitioning() != null) {
          definition.setTimePartitioning(layout.partitioning());
        }
        if (layout.clustering() != null) {
          definition.setClustering(layout.clustering());
        }
        bigQuery.create(TableInfo.newBuilder(id, definition.build()).setDescription(description(manifest)).build());
        return "created";
      }
      TableLayouts.requireSame(what, id, layout, existing.getDefinition());
      Schema current = existing.getDefinition().getSchema();
      List<Field> have = current == null ? List.of() : current.getFields();
      List<String> added = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (Field w : wanted) {
        Field h = find(have, w.getName());
        if (h == null) {
          added.add(w.getName());
        } else if (!h.getType().equals(w.getType())) {
          problems.add("column " + w.getName() + " is " + h.getType() + " in BigQuery but " + w.getType() + " in the snapshot");
        } else if (h.getMode() == Field.Mode.REQUIRED && w.getMode() != Field.Mode.REQUIRED) {
          problems.add("column " + w.getName() + " is REQUIRED in BigQuery but may be NULL in the snapshot");
        }
      }
      for (Field h : have) {
        if (find(wanted, h.getName()) == null) {
          problems.add("column " + h.getName() + " is in BigQuery but no longer in the snapshot (dropped in MySQL,"
              + " or now dropped by the masking policy)");
        }
      }
      if (!added.isEmpty() && config.schemaChanges() == SchemaChanges.FAIL) {
        problems.add("new column(s) " + String.join(", ", added) + " (bigquery.schemaChanges is fail)");
      }
      if (!problems.isEmpty()) {
        throw new LoadRejectedException(what + ": the snapshot's schema does not fit BigQuery table "
            + id.getDataset() + "." + id.getTable() + ": " + String.join("; ", problems) + ". Fix: change the table in"
            + " BigQuery to match (ALTER TABLE ... DROP COLUMN / CREATE OR REPLACE TABLE), or delete it so that the"
            + " next load creates it from the snapshot (docs/loading.md#schema-changes)", null);
      }
      boolean descriptionsDiffer = wanted.stream().anyMatch(w ->
          !Objects.equals(w.getDescription(), find(have, w.getName()) == null ? null : find(have, w.getName()).getDescription()));
      if (added.isEmpty() && !descriptionsDiffer) {
        return "unchanged";
      }
      List<Field> merged = new ArrayList<>();
      for (Field h : have) {
        merged.add(h.toBuilder().setDescription(find(wanted, h.getName()).getDescription()).build());
      }
      for (String name : added) {
        merged.add(find(wanted, name));
      }
      StandardTableDefinition had = existing.getDefinition();
      existing.toBuilder().setDefinition(had.toBuilder().setSchema(Schema.of(merged)).build())
          .setDescription(description(manifest)).build().update();
      return added.isEmpty() ? "descriptions updated" : "schema updated (added: " + String.join(", ", added) + ")";
    } catch (BigQueryException e) {
      throw LoadErrors.bigQuery(what + ": preparing BigQuery table " + id.getDataset() + "." + id.getTable(), e, config);
    }
  }

  private synchronized void ensureDataset(String what) {
    if (datasetChecked) {
      return;
    }
    try {
      Dataset dataset = bigQuery.getDataset(config.dataset());
      if (dataset == null) {
        bigQuery.create(DatasetInfo.newBuilder(config.projectId(), config.dataset()).setLocation(config.location())
            .setDescription("Masked snapshots of MySQL tables, loaded by rds2bq").build());
      } else if (dataset.getLocation() != null && !dataset.getLocation().equalsIgnoreCase(config.location())) {
        throw new LoadRejectedException(what + ": dataset " + config.projectId() + ":" + config.dataset()
            + " is in location " + dataset.getLocation() + " but bigquery.location is " + config.location()
            + ". Fix: set bigquery.location to " + dataset.getLocation() + " (transfers run in the dataset's location)", null);
      }
      datasetChecked = true;
    } catch (BigQueryException e) {
      throw LoadErrors.bigQuery(what + ": preparing dataset " + config.dataset(), e, config);
    }
  }

  private static Field field(Manifest.BigQueryField f) {
    LegacySQLTypeName type = LegacySQLTypeName.legacySQLTypeName(StandardSQLTypeName.valueOf(f.type()));
    return Field.newBuilder(f.name(), type)
        .setMode(f.mode() == null ? Field.Mode.NULLABLE : Field.Mode.valueOf(f.mode()))
        .setDescription(f.description())
        .build();
  }

  private static Field find(List<Field> fields, String name) {
    return fields.stream().filter(f -> f.getName().equalsIgnoreCase(name)).findFirst().orElse(null);
  }

  private static String description(Manifest m) {
    String source = (m.source() == null ? "MySQL " + m.database() : "source " + m.source() + ", " + m.database())
        + "." + m.table() + ", loaded by rds2bq";
    return m.tableComment() == null || m.tableComment().isBlank() ? source : m.tableComment() + " (" + source + ")";
  }
}
