package dev.rds2bq.mask;

import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.types.ColumnType;
import dev.rds2bq.types.MappedColumn;

/**
 * What happens to one source column: its rule and, unless dropped, the output name and type.
 * {@code column} is null only for a dropped column of a type rds2bq does not map.
 * {@code reason} says where the rule came from, for the run result and the docs.
 */
public record ColumnDecision(SourceColumn source, MappedColumn column, MaskRule rule, String outputName, ColumnType outputType,
    String reason) {
  public boolean dropped() {
    return rule.kind() == MaskKind.DROP;
  }

  public String sourceName() {
    return source.name();
  }
}
