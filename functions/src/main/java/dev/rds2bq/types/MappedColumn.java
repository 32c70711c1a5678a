package dev.rds2bq.types;

import dev.rds2bq.source.SourceColumn;

/** A source column with the family it is read as and the type it becomes when kept as is. */
public record MappedColumn(SourceColumn source, SourceFamily family, ColumnType type) {}
