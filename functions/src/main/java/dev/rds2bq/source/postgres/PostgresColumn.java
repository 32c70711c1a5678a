package dev.rds2bq.source.postgres;

/**
 * One column as PostgreSQL's catalog describes it, before it is mapped onto the shared column model
 * ({@link PostgresTypes#column}).
 *
 * @param declaredType {@code format_type} of the declared type: {@code character varying(64)},
 *     {@code numeric(12,2)}, {@code integer[]}, a domain's or an enum's own name
 * @param type the type the values have: the declared one, or a domain's base type, unwrapped
 * @param generationExpression the expression of a generated column, as the server prints it; null
 *     for a stored one
 */
record PostgresColumn(String name, int ordinal, String declaredType, PgType type, boolean nullable, String comment,
    String generationExpression) {

  /**
   * A type from {@code pg_type}, domains already unwrapped to their base.
   *
   * @param name {@code typname}, e.g. {@code int4}, {@code timestamptz}, {@code citext}
   * @param builtin whether it lives in {@code pg_catalog} (an extension's type of the same name does not count)
   * @param kind {@code typtype}: b base, e enum, r range, m multirange, c composite, p pseudo
   * @param category {@code typcategory}: A for arrays
   * @param typmod the type modifier that applies: the column's, or the innermost domain's that sets one
   * @param element an array's element type, else null
   */
  record PgType(String name, boolean builtin, char kind, char category, int typmod, PgType element) {
    boolean isArray() {
      return category == 'A' && element != null;
    }
  }
}
