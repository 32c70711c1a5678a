package dev.rds2bq.types;

import dev.rds2bq.source.SourceColumn;
import java.util.Set;

/**
 * MySQL column type to Parquet and BigQuery type. The table in docs/type-mapping.md is this method
 * in prose; TypeMappingTest checks every row of it against a real server and an independent reader.
 */
public final class TypeMapping {
  private static final Set<String> GEOMETRY_TYPES = Set.of(
      "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
      "geometrycollection", "geomcollection");

  private TypeMapping() {}

  /** Maps a column, or returns null for a type rds2bq does not know (the caller decides: drop or fail). */
  public static MappedColumn map(SourceColumn c) {
    String t = c.dataType();
    boolean unsigned = c.unsigned();
    switch (t) {
      case "tinyint":
      case "smallint":
      case "mediumint":
        return of(c, SourceFamily.INT, ColumnType.of(OutputType.INT32));
      case "int":
      case "integer":
        return unsigned
            ? of(c, SourceFamily.LONG, ColumnType.of(OutputType.INT64))
            : of(c, SourceFamily.INT, ColumnType.of(OutputType.INT32));
      case "bigint":
        return unsigned
            ? of(c, SourceFamily.UNSIGNED_BIGINT, ColumnType.decimal(20, 0))
            : of(c, SourceFamily.LONG, ColumnType.of(OutputType.INT64));
      case "decimal":
      case "numeric":
        // BIGNUMERIC holds 38 integer digits; DECIMAL(65,0) holds 65. Wider columns travel as
        // exact text rather than fail the load on their largest values.
        return c.precision() - c.scale() > ColumnType.BIGNUMERIC_INTEGER_DIGITS
            ? of(c, SourceFamily.DECIMAL, ColumnType.of(OutputType.STRING))
            : of(c, SourceFamily.DECIMAL, ColumnType.decimal((int) c.precision(), c.scale()));
      case "float":
        return of(c, SourceFamily.FLOAT, ColumnType.of(OutputType.FLOAT));
      case "double":
      case "real":
        return of(c, SourceFamily.DOUBLE, ColumnType.of(OutputType.DOUBLE));
      case "bit":
        if (c.bitWidth() <= 1) {
          return of(c, SourceFamily.BIT_BOOLEAN, ColumnType.of(OutputType.BOOLEAN));
        }
        return c.bitWidth() < 64
            ? of(c, SourceFamily.BITS, ColumnType.of(OutputType.INT64))
            : of(c, SourceFamily.BITS64, ColumnType.decimal(20, 0));
      case "date":
        return of(c, SourceFamily.DATE, ColumnType.of(OutputType.DATE));
      case "datetime":
        return of(c, SourceFamily.DATETIME, ColumnType.of(OutputType.DATETIME));
      case "timestamp":
        return of(c, SourceFamily.TIMESTAMP, ColumnType.of(OutputType.TIMESTAMP));
      case "time":
        return of(c, SourceFamily.TIME, ColumnType.of(OutputType.STRING));
      case "year":
        return of(c, SourceFamily.YEAR, ColumnType.of(OutputType.INT32));
      case "char":
      case "varchar":
      case "tinytext":
      case "text":
      case "mediumtext":
      case "longtext":
      case "enum":
      case "set":
        return c.json()
            ? of(c, SourceFamily.JSON, ColumnType.of(OutputType.STRING))
            : of(c, SourceFamily.TEXT, ColumnType.of(OutputType.STRING));
      case "json":
        // Written as a Parquet STRING, not with the JSON annotation: BigQuery documents no load of a
        // Parquet JSON column, and none into a JSON column from Parquet (docs/type-mapping.md#json).
        return of(c, SourceFamily.JSON, ColumnType.of(OutputType.STRING));
      case "binary":
      case "varbinary":
      case "tinyblob":
      case "blob":
      case "mediumblob":
      case "longblob":
        return of(c, SourceFamily.BINARY, ColumnType.of(OutputType.BYTES));
      default:
        if (GEOMETRY_TYPES.contains(t)) {
          return of(c, SourceFamily.GEOMETRY, ColumnType.of(OutputType.BYTES));
        }
        return null;
    }
  }

  private static MappedColumn of(SourceColumn c, SourceFamily family, ColumnType type) {
    return new MappedColumn(c, family, type);
  }
}
