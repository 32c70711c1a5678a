package dev.rds2bq.source.postgres;

import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.postgres.PostgresColumn.PgType;
import dev.rds2bq.types.ColumnType;
import dev.rds2bq.types.MappedColumn;
import dev.rds2bq.types.OutputType;
import dev.rds2bq.types.SourceFamily;
import java.util.Set;

/**
 * PostgreSQL column type to the shared column model, and the expression that selects a value in the
 * form its family promises. The table in docs/type-mapping.md ("PostgreSQL") is this class in prose;
 * PostgresTypeMappingTest checks every row of it against a real server and an independent reader.
 *
 * <p>Values that have no binary form the writers take are cast to text by the server, so that the
 * text arrives as the connection's UTF-8 bytes and is written without decoding; an instant is turned
 * into its UTC wall-clock value by the server ({@code AT TIME ZONE 'UTC'}).
 */
final class PostgresTypes {
  /** Text types that hold free text: scanned by the value scan. */
  private static final Set<String> TEXT = Set.of("text", "varchar", "bpchar", "name", "char", "xml", "tsvector",
      "tsquery", "cidr", "macaddr", "macaddr8");
  /** Values printed as text that are not free text (numbers, identifiers, bit strings, ranges): not scanned. */
  private static final Set<String> FORMATTED = Set.of("uuid", "bit", "varbit");
  /** Values long and mostly distinct: no dictionary, no min/max statistics. */
  private static final Set<String> LONG_TEXT = Set.of("text", "xml", "json", "jsonb", "tsvector", "citext");

  /** The largest scale, and the most integer digits, a BigQuery BIGNUMERIC holds. */
  private static final int MAX_DECIMAL_SCALE = 38;

  private PostgresTypes() {}

  /** What a column becomes: its mapping (null: refused), and how it is selected. */
  record Mapping(MappedColumn mapped, String selectTemplate, boolean longText, boolean enumerated) {
    /** The SELECT expression of this column, its quoted name in place of {@code %s}. */
    String select(String quotedName) {
      return selectTemplate.replace("%s", quotedName);
    }
  }

  private static final Mapping REFUSED = new Mapping(null, "%s", false, false);

  /** A column in the shared model; its mapping is null for a type rds2bq does not take. */
  static SourceColumn column(PostgresColumn c, int moneyScale) {
    Mapping m = map(c.type(), moneyScale);
    boolean unboundedVarchar = c.type().name().equals("varchar") && c.type().typmod() < 0;
    return new SourceColumn(c.name(), c.ordinal(), c.declaredType(), c.nullable(), c.comment(), m.mapped(),
        m.longText() || unboundedVarchar, c.generationExpression(), m.enumerated());
  }

  /** How a value of this type is selected and read, or {@link #REFUSED}. */
  static Mapping map(PgType t, int moneyScale) {
    if (t.isArray()) {
      // Arrays travel as JSON text: BigQuery's repeated fields hold no NULL element and no second
      // dimension, which PostgreSQL arrays do (docs/type-mapping.md#postgresql-arrays).
      return map(t.element(), moneyScale).mapped() == null ? REFUSED
          : new Mapping(of(SourceFamily.JSON, OutputType.STRING), "array_to_json(%s)::text", true, false);
    }
    switch (t.kind()) {
      case 'e':
        return new Mapping(of(SourceFamily.TEXT, OutputType.STRING), "%s::text", false, true);
      case 'r':
      case 'm':
        return new Mapping(of(SourceFamily.FORMATTED_TEXT, OutputType.STRING), "%s::text", false, false);
      case 'b':
        break;
      default:
        return REFUSED; // composite and pseudo types
    }
    if (t.name().equals("citext")) {
      return new Mapping(of(SourceFamily.TEXT, OutputType.STRING), "%s::text", true, false);
    }
    if (!t.builtin()) {
      return REFUSED; // an extension's type (PostGIS, hstore, ...): docs/type-mapping.md says which
    }
    String n = t.name();
    switch (n) {
      case "int2":
      case "int4":
        return plain(SourceFamily.INT, OutputType.INT32);
      case "int8":
        return plain(SourceFamily.LONG, OutputType.INT64);
      case "float4":
        return plain(SourceFamily.FLOAT, OutputType.FLOAT);
      case "float8":
        return plain(SourceFamily.DOUBLE, OutputType.DOUBLE);
      case "numeric":
        return numeric(t.typmod());
      case "money":
        // The server prints money in lc_monetary's format; as numeric it has that locale's fraction
        // digits, and an int64 of them holds at most 19 digits.
        return new Mapping(new MappedColumn(SourceFamily.DECIMAL, ColumnType.decimal(19, moneyScale)), "%s::numeric",
            false, false);
      case "bool":
        return new Mapping(of(SourceFamily.BOOLEAN, OutputType.BOOLEAN), "%s::int", false, false);
      case "date":
        return plain(SourceFamily.DATE, OutputType.DATE);
      case "timestamp":
        return plain(SourceFamily.DATETIME, OutputType.DATETIME);
      case "timestamptz":
        return new Mapping(of(SourceFamily.TIMESTAMP, OutputType.TIMESTAMP), "(%s AT TIME ZONE 'UTC')", false, false);
      case "time":
      case "timetz":
      case "interval":
        return new Mapping(of(SourceFamily.TIME, OutputType.STRING), "%s::text", false, false);
      case "bytea":
        return plain(SourceFamily.BINARY, OutputType.BYTES);
      case "inet":
        // The explicit cast to text always adds the netmask (0.0.0.0/32); abbrev() prints what the
        // type's output function prints.
        return new Mapping(of(SourceFamily.TEXT, OutputType.STRING), "abbrev(%s)", false, false);
      case "json":
      case "jsonb":
        return new Mapping(of(SourceFamily.JSON, OutputType.STRING), "%s::text", true, false);
      default:
        if (TEXT.contains(n)) {
          return new Mapping(of(SourceFamily.TEXT, OutputType.STRING), "%s::text", LONG_TEXT.contains(n), false);
        }
        if (FORMATTED.contains(n)) {
          return new Mapping(of(SourceFamily.FORMATTED_TEXT, OutputType.STRING), "%s::text", false, false);
        }
        return REFUSED;
    }
  }

  /**
   * numeric(p,s) as DECIMAL where BigQuery's BIGNUMERIC holds every value it can hold; a negative
   * scale (values rounded to tens, hundreds, ...) or a scale above the precision (values below 1)
   * widen to the DECIMAL that holds them. Unconstrained numeric (any scale, and NaN and ±Infinity)
   * and wider types travel as their exact text.
   */
  static Mapping numeric(int typmod) {
    if (typmod < 4) {
      return new Mapping(of(SourceFamily.FORMATTED_TEXT, OutputType.STRING), "%s::text", false, false);
    }
    int precision = ((typmod - 4) >> 16) & 0xffff;
    int scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
    int p = precision;
    int s = scale;
    if (s < 0) {
      p = precision - scale;
      s = 0;
    } else if (s > p) {
      p = s;
    }
    if (s > MAX_DECIMAL_SCALE || p - s > ColumnType.BIGNUMERIC_INTEGER_DIGITS) {
      return new Mapping(of(SourceFamily.FORMATTED_TEXT, OutputType.STRING), "%s::text", false, false);
    }
    return new Mapping(new MappedColumn(SourceFamily.DECIMAL, ColumnType.decimal(p, s)), "%s", false, false);
  }

  private static Mapping plain(SourceFamily family, OutputType type) {
    return new Mapping(of(family, type), "%s", false, false);
  }

  private static MappedColumn of(SourceFamily family, OutputType type) {
    return new MappedColumn(family, ColumnType.of(type));
  }
}
