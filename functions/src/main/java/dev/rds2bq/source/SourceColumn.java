package dev.rds2bq.source;

import dev.rds2bq.types.MappedColumn;

/**
 * One column of a base table in the shared column model: what masking, the Parquet writers and the
 * BigQuery schema see, whatever the engine. Each source maps its own types onto it.
 *
 * @param columnType the type as the source declares it, e.g. {@code int unsigned} or
 *     {@code datetime(3)}: for messages, the export result's {@code sourceType} and the schema
 *     fingerprint
 * @param mapping the family the value is read as and the type it becomes when kept; null for a type
 *     rds2bq does not map, which the policy must drop
 * @param longText declared as long text or JSON: values mostly distinct, so no dictionary and no
 *     min/max statistics are worth writing
 * @param generationExpression the expression of a generated column, as the source spells it; null
 *     for a stored one
 * @param enumerated its values come from a list the type declares (MySQL ENUM and SET): nothing
 *     personal can be found in them by content
 */
public record SourceColumn(String name, int ordinal, String columnType, boolean nullable, String comment,
    MappedColumn mapping, boolean longText, String generationExpression, boolean enumerated) {

  public boolean generated() {
    return generationExpression != null;
  }
}
