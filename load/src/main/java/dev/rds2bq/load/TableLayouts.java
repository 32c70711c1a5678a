package dev.rds2bq.load;

import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TimePartitioning;
import dev.rds2bq.config.PipelineConfig.BigQueryConfig;
import dev.rds2bq.config.PipelineConfig.Granularity;
import dev.rds2bq.config.PipelineConfig.PartitionBy;
import dev.rds2bq.config.PipelineConfig.TableLayout;
import dev.rds2bq.contract.Manifest;
import dev.rds2bq.error.LoadRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The partitioning and clustering of a destination table (docs/loading.md#partitioning-and-clustering):
 * what {@code bigquery.tables.<db.table>} asks for, checked against the snapshot's columns, and the
 * defaults (clustered by the primary key; a history table partitioned by ingestion day). They are
 * applied when StartLoads creates the table; BigQuery cannot change a table's partitioning in place,
 * so an existing table that differs from what the config states fails the table with the fix,
 * never a silent drop and re-create.
 */
final class TableLayouts {
  /** Types BigQuery clusters by (FLOAT64, BYTES and JSON are not among them). */
  private static final Set<String> CLUSTERABLE =
      Set.of("INT64", "STRING", "NUMERIC", "BIGNUMERIC", "DATE", "DATETIME", "TIMESTAMP", "BOOL", "GEOGRAPHY");

  private TableLayouts() {}

  /**
   * @param partitioning null for an unpartitioned table
   * @param clustering null for none
   * @param stated the parts the config (or history) states, which an existing table must already have
   */
  record Layout(TimePartitioning partitioning, Clustering clustering, boolean partitioningStated,
      boolean clusteringStated, String configKey) {}

  static Layout of(String what, BigQueryConfig config, Manifest manifest, boolean history) {
    String key = "bigquery.tables." + manifest.database() + "." + manifest.table();
    TableLayout asked = config.layoutOf(manifest.database(), manifest.table());
    TimePartitioning partitioning = null;
    if (history) {
      partitioning = TimePartitioning.of(TimePartitioning.Type.DAY);
    } else if (asked != null && asked.partitionBy() != null) {
      partitioning = columnPartitioning(what, key, asked.partitionBy(), manifest);
    }
    List<String> clusterBy;
    boolean clusteringStated = asked != null && asked.clusterBy() != null;
    if (clusteringStated) {
      clusterBy = new ArrayList<>();
      for (String c : asked.clusterBy()) {
        Manifest.BigQueryField f = column(manifest, c);
        if (f == null || !CLUSTERABLE.contains(f.type())) {
          throw new LoadRejectedException(what + ": " + key + ".clusterBy names '" + c + "', "
              + (f == null ? "which is not a column of the table as loaded (" + names(manifest) + ")"
                  : "a " + f.type() + " column, which BigQuery does not cluster by")
              + ". Fix: name up to 4 of its INT64, STRING, NUMERIC, DATE, DATETIME, TIMESTAMP or BOOL columns", null);
        }
        clusterBy.add(f.name());
      }
    } else {
      // The primary key, as far as BigQuery clusters by its columns: where lookups by key go.
      clusterBy = new ArrayList<>();
      for (String k : manifest.primaryKey() == null ? List.<String>of() : manifest.primaryKey()) {
        Manifest.BigQueryField f = column(manifest, k);
        if (f != null && CLUSTERABLE.contains(f.type()) && clusterBy.size() < 4) {
          clusterBy.add(f.name());
        }
      }
    }
    Clustering clustering = clusterBy.isEmpty() ? null : Clustering.newBuilder().setFields(clusterBy).build();
    return new Layout(partitioning, clustering, history || (asked != null && asked.partitionBy() != null),
        clusteringStated, key);
  }

  private static TimePartitioning columnPartitioning(String what, String key, PartitionBy by, Manifest manifest) {
    Manifest.BigQueryField f = column(manifest, by.column());
    if (f == null) {
      throw new LoadRejectedException(what + ": " + key + ".partitionBy.column '" + by.column() + "' is not a column"
          + " of the table as loaded (" + names(manifest) + "). Fix: name one of its DATE, DATETIME or TIMESTAMP"
          + " columns by its BigQuery name", null);
    }
    if (!Set.of("DATE", "DATETIME", "TIMESTAMP").contains(f.type())) {
      throw new LoadRejectedException(what + ": " + key + ".partitionBy.column '" + f.name() + "' is " + f.type()
          + "; BigQuery partitions by a DATE, DATETIME or TIMESTAMP column. Fix: name such a column, or remove"
          + " partitionBy", null);
    }
    if (f.type().equals("DATE") && by.granularity() == Granularity.HOUR) {
      throw new LoadRejectedException(what + ": " + key + ".partitionBy.granularity is hour, but '" + f.name()
          + "' is a DATE column, which BigQuery partitions by day, month or year. Fix: granularity day, month or"
          + " year", null);
    }
    return TimePartitioning.newBuilder(TimePartitioning.Type.valueOf(by.granularity().name())).setField(f.name())
        .build();
  }

  /** Fails when an existing table lacks what the config states; a default is never forced on one. */
  static void requireSame(String what, TableId id, Layout wanted, StandardTableDefinition existing) {
    TimePartitioning has = existing.getTimePartitioning();
    String table = id.getProject() + "." + id.getDataset() + "." + id.getTable();
    if (wanted.partitioningStated() && !samePartitioning(wanted.partitioning(), has)) {
      throw new LoadRejectedException(what + ": BigQuery table " + table + " is " + describe(has) + ", but the"
          + " config asks for " + describe(wanted.partitioning()) + " (" + wanted.configKey() + ".partitionBy, or"
          + " bigquery.history for a __history table). BigQuery cannot change the partitioning of an existing table."
          + " Fix: keep the table as it is by removing the setting, or recreate it: CREATE TABLE `" + table
          + "_new` " + ddl(wanted) + " AS SELECT * FROM `" + table + "`, check it, drop `" + table + "` and rename"
          + " the new table to it (docs/loading.md#partitioning-and-clustering)", null);
    }
    Clustering clustering = existing.getClustering();
    List<String> hasFields = clustering == null || clustering.getFields() == null ? List.of() : clustering.getFields();
    List<String> wantedFields = wanted.clustering() == null ? List.of() : wanted.clustering().getFields();
    if (wanted.clusteringStated() && !lower(hasFields).equals(lower(wantedFields))) {
      throw new LoadRejectedException(what + ": BigQuery table " + table + " is clustered by "
          + (hasFields.isEmpty() ? "nothing" : hasFields) + ", but " + wanted.configKey() + ".clusterBy is "
          + wantedFields + ". rds2bq changes no existing table's layout. Fix: set clusterBy to " + hasFields
          + ", or change the table in BigQuery (bq update --clustering_fields=" + String.join(",", wantedFields)
          + " " + id.getDataset() + "." + id.getTable() + "; rows already stored are re-clustered over time)", null);
    }
  }

  private static boolean samePartitioning(TimePartitioning a, TimePartitioning b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.getType() == b.getType() && Objects.equals(lowerOrNull(a.getField()), lowerOrNull(b.getField()));
  }

  private static String describe(TimePartitioning p) {
    if (p == null) {
      return "not partitioned";
    }
    return p.getField() == null ? "partitioned by ingestion time (" + p.getType() + ")"
        : "partitioned by " + p.getType() + " of column " + p.getField();
  }

  private static String ddl(Layout l) {
    StringBuilder s = new StringBuilder();
    TimePartitioning p = l.partitioning();
    if (p != null) {
      s.append(p.getField() == null ? "PARTITION BY _PARTITIONDATE"
          : "PARTITION BY " + (p.getType() == TimePartitioning.Type.DAY ? "DATE(" + p.getField() + ")"
              : "TIMESTAMP_TRUNC(" + p.getField() + ", " + p.getType() + ")"));
    }
    if (l.clustering() != null) {
      s.append(s.length() == 0 ? "" : " ").append("CLUSTER BY ").append(String.join(", ", l.clustering().getFields()));
    }
    return s.toString();
  }

  private static Manifest.BigQueryField column(Manifest m, String name) {
    return m.bigQuerySchema().stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst().orElse(null);
  }

  private static String names(Manifest m) {
    return String.join(", ", m.bigQuerySchema().stream().map(Manifest.BigQueryField::name).toList());
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  private static String lowerOrNull(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
