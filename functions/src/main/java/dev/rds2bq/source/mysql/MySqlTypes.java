package dev.rds2bq.source.mysql;

import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.types.ColumnType;
import dev.rds2bq.types.MappedColumn;
import dev.rds2bq.types.OutputType;
import dev.rds2bq.types.SourceFamily;
import java.util.Set;

/**
 * MySQL column type to the shared column model: the family a value is read as, and its Parquet and
 * BigQuery type. The table in docs/type-mapping.md is this class in prose; TypeMappingTest checks
 * every row of it against a real server and an independent reader.
 */
public final class MySqlTypes {
  private static final Set<String> GEOMETRY_TYPES = Set.of(
      "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
      "geometrycollection", "geomcollection");

  /** Types whose values are long and mostly distinct: no dictionary, no min/max statistics. */
  private static final Set<String> LONG_TEXT = Set.of("text", "mediumtext", "longtext", "json");

  private MySqlTypes() {}

  /** A column in the shared model; its mapping is null for a type rds2bq does not know. */
  public static SourceColumn column(MySqlColumn c) {
    return new SourceColumn(c.name(), c.ordinal(), c.columnType(), c.nullable(), c.comment(), map(c),
        LONG_TEXT.contains(c.dataType()), c.generationExpression(),
        "enum".equals(c.dataType()) || "set".equals(c.dataType()));
  }

  /** Maps a column, or returns null for a type rds2bq does not know (the policy decides: drop or fail). */
  static MappedColumn map(MySqlColumn c) {
    String t = c.dataType();
    boolean unsigned = c.unsigned();
    switch (t) {
      case "tinyint":
      case "smallint":
      case "mediumint":
        return of(SourceFamily.INT, ColumnType.of(OutputType.INT32));
      case "int":
      case "integer":
        return unsigned
            ? of(SourceFamily.LONG, ColumnType.of(OutputType.INT64))
            : of(SourceFamily.INT, ColumnType.of(OutputType.INT32));
      case "bigint":
        return unsigned
            ? of(SourceFamily.UNSIGNED_BIGINT, ColumnType.decimal(20, 0))
            : of(SourceFamily.LONG, ColumnType.of(OutputType.INT64));
      case "decimal":
      case "numeric":
        // BIGNUMERIC holds 38 integer digits; DECIMAL(65,0) holds 65. Wider columns travel as
        // exact text rather than fail the load on their largest values.
        return c.precision() - c.scale() > ColumnType.BIGNUMERIC_INTEGER_DIGITS
            ? of(SourceFamily.DECIMAL, ColumnType.of(OutputType.STRING))
            : of(SourceFamily.DECIMAL, ColumnType.decimal((int) c.precision(), c.scale()));
      case "float":
        return of(SourceFamily.FLOAT, ColumnType.of(OutputType.FLOAT));
      case "double":
      case "real":
        return of(SourceFamily.DOUBLE, ColumnType.of(OutputType.DOUBLE));
      case "bit":
        if (c.bitWidth() <= 1) {
          return of(SourceFamily.BIT_BOOLEAN, ColumnType.of(OutputType.BOOLEAN));
        }
        return c.bitWidth() < 64
            ? of(SourceFamily.BITS, ColumnType.of(OutputType.INT64))
            : of(SourceFamily.BITS64, ColumnType.decimal(20, 0));
      case "date":
        return of(SourceFamily.DATE, ColumnType.of(OutputType.DATE));
      case "datetime":
        return of(SourceFamily.DATETIME, ColumnType.of(OutputType.DATETIME));
      case "timestamp":
        return of(SourceFamily.TIMESTAMP, ColumnType.of(OutputType.TIMESTAMP));
      case "time":
        return of(SourceFamily.TIME, ColumnType.of(OutputType.STRING));
      case "year":
        return of(SourceFamily.YEAR, ColumnType.of(OutputType.INT32));
      case "char":
      case "varchar":
      case "tinytext":
      case "text":
      case "mediumtext":
      case "longtext":
      case "enum":
      case "set":
        return c.json()
            ? of(SourceFamily.JSON, ColumnType.of(OutputType.STRING))
            : of(SourceFamily.TEXT, ColumnType.of(OutputType.STRING));
      case "json":
        // Written as a Parquet STRING, not with the JSON annotation: BigQuery documents no load of a
        // Parquet JSON column, and none into a JSON column from Parquet (docs/type-mapping.md#json).
        return of(SourceFamily.JSON, ColumnType.of(OutputType.STRING));
      case "binary":
      case "varbinary":
      case "tinyblob":
      case "blob":
      case "mediumblob":
      case "longblob":
        return of(SourceFamily.BINARY, ColumnType.of(OutputType.BYTES));
      default:
        if (GEOMETRY_TYPES.contains(t)) {
          return of(SourceFamily.GEOMETRY, ColumnType.of(OutputType.BYTES));
        }
        return null;
    }
  }

  private static MappedColumn of(SourceFamily family, ColumnType type) {
    return new MappedColumn(family, type);
  }
}
