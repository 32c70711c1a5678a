package dev.rds2bq.source;

import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.error.InvalidInputException;
import java.util.List;

/** A base table: its columns in ordinal order and its primary key, as its source describes them. */
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

  /**
   * The column a key range cuts: the first primary-key column, which a range that names its column
   * must name. Otherwise an {@link InvalidInputException} that says why.
   */
  public SourceColumn rangeKey(KeyRange range) {
    if (range.column() == null && !primaryKey.isEmpty()) {
      return column(primaryKey.get(0));
    }
    if (primaryKey.isEmpty() || !primaryKey.get(0).equalsIgnoreCase(range.column())) {
      throw new InvalidInputException("range column '" + (range.column() == null ? "(the primary key)" : range.column())
          + "' of " + qualifiedName()
          + " is not the first primary-key column " + (primaryKey.isEmpty() ? "(the table has no primary key;"
              + " export it without a range)" : "'" + primaryKey.get(0) + "'"));
    }
    return column(range.column());
  }
}
