package dev.rds2bq.export;

import dev.rds2bq.mask.ColumnDecision;
import dev.rds2bq.mask.MaskKind;
import dev.rds2bq.types.SourceFamily;

/**
 * Per-column Parquet encoding choices made once from the column's type and policy. Parquet tries a
 * dictionary for every column and falls back when it grows too big; on columns whose values are
 * mostly distinct that attempt costs time on every value and saves nothing (docs/benchmarks.md).
 */
final class EncodingHints {
  private EncodingHints() {}

  static boolean mostlyDistinct(ColumnDecision d) {
    MaskKind k = d.rule().kind();
    if (k == MaskKind.HASH) {
      return true;
    }
    if (k != MaskKind.KEEP) {
      return false; // bands, domains, truncated dates and constants repeat: a dictionary wins
    }
    SourceFamily f = d.column().family();
    return f == SourceFamily.DATETIME || f == SourceFamily.TIMESTAMP || f == SourceFamily.BINARY
        || f == SourceFamily.GEOMETRY || f == SourceFamily.JSON || d.source().longText();
  }

  static boolean statisticsUseful(ColumnDecision d) {
    if (d.rule().kind() == MaskKind.HASH) {
      return false;
    }
    if (d.rule().kind() != MaskKind.KEEP) {
      return true;
    }
    SourceFamily f = d.column().family();
    return !(f == SourceFamily.BINARY || f == SourceFamily.GEOMETRY || f == SourceFamily.JSON
        || d.source().longText());
  }
}
