package dev.rds2bq.types;

/**
 * How a source column enters the shared model: the family its values are read as, and the type it
 * becomes when kept as it is.
 */
public record MappedColumn(SourceFamily family, ColumnType type) {}
