package dev.rds2bq.source;

import java.util.List;

/** A base table: its columns in ordinal order and its primary key, both from information_schema. */
public record TableSchema(
    String database, String table, String comment, List<SourceColumn> columns, List<String> primaryKey) {

  public TableSchema {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
  }

  public SourceColumn column(String name) {
    for (SourceColumn c : columns) {
      if (c.name().equalsIgnoreCase(name)) {
        return c;
      }
    }
    return null;
  }

  public String qualifiedName() {
    return database + "." + table;
  }
}
