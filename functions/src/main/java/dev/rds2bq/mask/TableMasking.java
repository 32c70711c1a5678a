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

  public boolean usesHash() {
    return columns.stream().anyMatch(d -> d.rule().kind() == MaskKind.HASH);
  }
}
