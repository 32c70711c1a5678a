package dev.rds2bq.mask;

import java.util.List;

/** The resolved policy of one table: a decision per source column, in ordinal order. */
public record TableMasking(List<ColumnDecision> columns, String fingerprint) {
  public TableMasking {
    columns = List.copyOf(columns);
  }

  public List<ColumnDecision> kept() {
    return columns.stream().filter(d -> !d.dropped()).toList();
  }

  /**
   * Whether the value of {@code column} leaves the export only masked (any rule but {@code keep}, a
   * drop included): then nothing else may carry its raw values, such as the key-range bounds of a
   * plan (docs/data-contract.md#sealed-bounds). A column the table lacks is not masked here.
   */
  public boolean masks(String column) {
    return columns.stream().anyMatch(d -> d.source().name().equalsIgnoreCase(column)
        && d.rule().kind() != MaskKind.KEEP);
  }

  public boolean usesHash() {
    return columns.stream().anyMatch(d -> d.rule().kind() == MaskKind.HASH);
  }
}
