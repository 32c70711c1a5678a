package dev.rds2bq.localgcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * What a BigQuery load job refuses when it reads Parquet files into an existing table, as Google
 * documents it (https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-parquet, its
 * conversions and its flexible-column-name limitations, and
 * https://cloud.google.com/bigquery/docs/json-data#ingest_json_data). The stand-in applies these
 * before it loads, so a file rds2bq writes that BigQuery would refuse fails here too.
 */
final class ParquetLoadRules {
  private ParquetLoadRules() {}

  /** Why the load must fail, or null when the files may load into {@code table}. */
  static String refusal(List<Warehouse.ParquetColumn> columns, Warehouse.Table table) {
    Map<String, List<String>> namesByFile = new LinkedHashMap<>();
    for (Warehouse.ParquetColumn c : columns) {
      // "You cannot load Parquet files containing columns that have a period (.) in the column name."
      if (c.name().contains(".")) {
        return "Column name \"" + c.name() + "\" of " + c.file() + " has a period; Parquet files with such column"
            + " names cannot be loaded";
      }
      namesByFile.computeIfAbsent(c.file(), f -> new ArrayList<>()).add(c.name());
    }
    // A load job's column_name_character_map defaults to STRICT: flexible names, invalid ones refused;
    // and names that differ only in case collide.
    for (Map.Entry<String, List<String>> file : namesByFile.entrySet()) {
      String problem = BigQueryColumnNames.refusal(file.getValue());
      if (problem != null) {
        return problem + " (in " + file.getKey() + ")";
      }
    }
    for (Warehouse.ParquetColumn c : columns) {
      // The conversion table lists BYTE_ARRAY with no annotation (BYTES) or STRING/UTF8 (STRING), and
      // says that other combinations are not supported: the JSON annotation is not among them.
      if ("JSON".equals(c.convertedType()) || (c.logicalType() != null && c.logicalType().startsWith("JsonType"))) {
        return "Unsupported field type: column " + c.name() + " of " + c.file() + " is " + c.physicalType()
            + " with the Parquet logical type JSON, which is not among BigQuery's Parquet conversions";
      }
    }
    for (Warehouse.Field f : table.fields()) {
      // BigQuery documents loads into JSON columns from CSV, Avro and newline-delimited JSON only.
      if ("JSON".equals(f.type().toUpperCase(Locale.ROOT))) {
        return "Field " + f.name() + " of table " + table.dataset() + "." + table.id()
            + " is JSON: a Parquet load does not fill JSON columns (load JSON from CSV, Avro or newline-delimited JSON)";
      }
    }
    return null;
  }
}
