package dev.rds2bq.source.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL table of docs/type-mapping.md as test data: a column of each type with its minimum,
 * its maximum, NULL and its special values, and the text each reads back as from the Parquet. Shared
 * by the Parquet check ({@code PostgresTypeMappingTest}) and the warehouse check of the local run
 * ({@code PostgresWarehouseTypesTest}), so both hold the same rows.
 */
public final class PostgresTypeTable {
  private PostgresTypeTable() {}

  /** A special value: its SQL literal and its text once read back (null: written as NULL). */
  public record Special(String sql, String text) {}

  /** column, declaration, min, max literals, DuckDB type, BigQuery type, min and max texts, special values. */
  public record Case(String column, String declaration, String minSql, String maxSql, String duckType, String bigQuery,
      String minText, String maxText, List<Special> specials) {
    public Case(String column, String declaration, String minSql, String maxSql, String duckType, String bigQuery,
        String minText, String maxText) {
      this(column, declaration, minSql, maxSql, duckType, bigQuery, minText, maxText, List.of());
    }
  }

  private static Special sp(String sql, String text) {
    return new Special(sql, text);
  }

  static final String BIG = "9".repeat(29) + "." + "9".repeat(9);

  public static final List<Case> CASES = List.of(
      new Case("sm", "smallint", "-32768", "32767", "INTEGER", "INT64", "-32768", "32767"),
      new Case("i", "integer", "-2147483648", "2147483647", "INTEGER", "INT64", "-2147483648", "2147483647"),
      new Case("bi", "bigint", "-9223372036854775808", "9223372036854775807", "BIGINT", "INT64",
          "-9223372036854775808", "9223372036854775807"),
      new Case("n", "numeric(10,2)", "-99999999.99", "99999999.99", "DECIMAL(10,2)", "NUMERIC", "-99999999.99",
          "99999999.99", List.of(sp("0", "0.00"), sp("-0.005", "-0.01"))),
      new Case("n38", "numeric(38,9)", "-" + BIG, BIG, "DECIMAL(38,9)", "NUMERIC", "-" + BIG, BIG),
      new Case("n76", "numeric(76,38)", "-" + "9".repeat(38) + "." + "9".repeat(38), "9".repeat(38) + "."
          + "9".repeat(38), "DOUBLE", "BIGNUMERIC", null, null),
      new Case("nneg", "numeric(3,-2)", "-99900", "99900", "DECIMAL(5,0)", "NUMERIC", "-99900", "99900"),
      // DuckDB prints a DECIMAL without integer digits without its leading zero.
      new Case("nfrac", "numeric(3,5)", "-0.00999", "0.00999", "DECIMAL(5,5)", "NUMERIC", "-.00999", ".00999"),
      new Case("nu", "numeric", "'-Infinity'", "'Infinity'", "VARCHAR", "STRING", "-Infinity", "Infinity",
          List.of(sp("'NaN'", "NaN"), sp("123.4500", "123.4500"),
              sp("-1" + "0".repeat(60) + ".0000000000000000000000000000000000000000001",
                  "-1" + "0".repeat(60) + ".0000000000000000000000000000000000000000001"))),
      new Case("nwide", "numeric(80,0)", "-" + "9".repeat(80), "9".repeat(80), "VARCHAR", "STRING",
          "-" + "9".repeat(80), "9".repeat(80)),
      new Case("r", "real", "-3.4028235e38", "1.175494e-38", "FLOAT", "FLOAT64", "-3.4028235e+38", "1.175494e-38",
          List.of(sp("'NaN'", "nan"), sp("'Infinity'", "inf"), sp("'-Infinity'", "-inf"))),
      new Case("d", "double precision", "-1.7976931348623157e308", "5e-324", "DOUBLE", "FLOAT64",
          "-1.7976931348623157e+308", "5e-324",
          List.of(sp("'NaN'", "nan"), sp("'Infinity'", "inf"), sp("'-Infinity'", "-inf"))),
      new Case("m", "money", "'-92233720368547758.08'", "'92233720368547758.07'", "DECIMAL(19,2)", "NUMERIC",
          "-92233720368547758.08", "92233720368547758.07"),
      new Case("tx", "text", "''", "'emoji 😀 and ∑ 𠮷'", "VARCHAR", "STRING", "", "emoji 😀 and ∑ 𠮷"),
      new Case("vc", "varchar(40)", "''", "'naïve 𠮷野家 🍣'", "VARCHAR", "STRING", "", "naïve 𠮷野家 🍣"),
      new Case("ch", "char(4)", "'a'", "'ÆØ😀𠮷'", "VARCHAR", "STRING", "a", "ÆØ😀𠮷", List.of(sp("' b  '", " b"))),
      new Case("ci", "citext", "''", "'ÄbC'", "VARCHAR", "STRING", "", "ÄbC"),
      new Case("nm", "name", "''", "'pg_class'", "VARCHAR", "STRING", "", "pg_class"),
      new Case("by", "bytea", "'\\x'", "'\\xdeadbeef00'", "BLOB", "BYTES", "", "DEADBEEF00"),
      new Case("bo", "boolean", "false", "true", "BOOLEAN", "BOOL", "false", "true"),
      new Case("dt", "date", "'0001-01-01'", "'9999-12-31'", "DATE", "DATE", "0001-01-01", "9999-12-31",
          List.of(sp("'infinity'", null), sp("'-infinity'", null), sp("'0044-03-15 BC'", null),
              sp("'10000-01-01'", null), sp("'2024-02-29'", "2024-02-29"))),
      new Case("ts", "timestamp", "'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", "TIMESTAMP", "DATETIME",
          "0001-01-01 00:00:00", "9999-12-31 23:59:59.999999",
          List.of(sp("'infinity'", null), sp("'-infinity'", null), sp("'0001-12-31 23:59:59 BC'", null))),
      new Case("tz", "timestamp with time zone", "'0001-01-01 00:00:00+00'", "'9999-12-31 23:59:59.999999+00'",
          "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00",
          List.of(sp("'2020-01-01 12:00:00.5+09'", "2020-01-01 03:00:00.5+00"), sp("'infinity'", null),
              sp("'-infinity'", null))),
      new Case("tm", "time", "'00:00:00'", "'24:00:00'", "VARCHAR", "STRING", "00:00:00", "24:00:00",
          List.of(sp("'23:59:59.999999'", "23:59:59.999999"))),
      new Case("ttz", "time with time zone", "'00:00:00+15:59'", "'24:00:00-15:59'", "VARCHAR", "STRING",
          "00:00:00+15:59", "24:00:00-15:59"),
      new Case("iv", "interval", "'-178000000 years'", "'178000000 years'", "VARCHAR", "STRING", "P-178000000Y",
          "P178000000Y", List.of(sp("'1 day 02:03:04.5'", "P1DT2H3M4.5S"), sp("'0'", "PT0S"))),
      new Case("uu", "uuid", "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
          "VARCHAR", "STRING", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
      new Case("js", "json", "'{}'", "'{\"k\": [1, \"ü\", null],  \"a\": 1}'", "VARCHAR", "STRING", "{}",
          "{\"k\": [1, \"ü\", null],  \"a\": 1}"),
      new Case("jb", "jsonb", "'{}'", "'{\"k\": [1, \"ü\", null],  \"a\": 1}'", "VARCHAR", "STRING", "{}",
          "{\"a\": 1, \"k\": [1, \"ü\", null]}"),
      new Case("x", "xml", "'<a/>'", "'<r k=\"v\">ü</r>'", "VARCHAR", "STRING", "<a/>", "<r k=\"v\">ü</r>"),
      new Case("inetv", "inet", "'0.0.0.0'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", "VARCHAR", "STRING", "0.0.0.0",
          "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", List.of(sp("'192.168.0.1/24'", "192.168.0.1/24"))),
      new Case("cd", "cidr", "'0.0.0.0/0'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'", "VARCHAR", "STRING",
          "0.0.0.0/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"),
      new Case("macv", "macaddr", "'00:00:00:00:00:00'", "'ff:ff:ff:ff:ff:ff'", "VARCHAR", "STRING",
          "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"),
      new Case("macv8", "macaddr8", "'00:00:00:00:00:00:00:00'", "'ff:ff:ff:ff:ff:ff:ff:ff'", "VARCHAR", "STRING",
          "00:00:00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff:ff:ff"),
      new Case("bt", "bit(3)", "B'000'", "B'111'", "VARCHAR", "STRING", "000", "111"),
      new Case("vb", "bit varying(5)", "B''", "B'10101'", "VARCHAR", "STRING", "", "10101"),
      new Case("en", "mood", "'sad'", "'😀'", "VARCHAR", "STRING", "sad", "😀"),
      new Case("dom", "positive_amount", "'0.1'", "'9999.9'", "DECIMAL(5,1)", "NUMERIC", "0.1", "9999.9"),
      new Case("domt", "short_text", "''", "'ab'", "VARCHAR", "STRING", "", "ab"),
      new Case("ia", "integer[]", "'{}'", "'{{1,2},{3,NULL}}'", "VARCHAR", "STRING", "[]", "[[1,2],[3,null]]"),
      new Case("ta", "text[]", "'{}'", "'{\"a\",\"b c\",NULL,\"ü\"}'", "VARCHAR", "STRING", "[]",
          "[\"a\",\"b c\",null,\"ü\"]"),
      new Case("na", "numeric[]", "'{NaN,-Infinity}'", "'{1.50,Infinity}'", "VARCHAR", "STRING",
          "[\"NaN\",\"-Infinity\"]", "[1.50,\"Infinity\"]"),
      new Case("da", "date[]", "'{-infinity}'", "'{2020-01-01,infinity}'", "VARCHAR", "STRING", "[\"-infinity\"]",
          "[\"2020-01-01\",\"infinity\"]"),
      new Case("tza", "timestamptz[]", "'{}'", "'{\"2020-01-01 12:00+09\"}'", "VARCHAR", "STRING", "[]",
          "[\"2020-01-01T03:00:00+00:00\"]"),
      new Case("ba", "boolean[]", "'{}'", "'{true,false,NULL}'", "VARCHAR", "STRING", "[]", "[true,false,null]"),
      new Case("rg", "int4range", "'empty'", "'[1,10)'", "VARCHAR", "STRING", "empty", "[1,10)",
          List.of(sp("'(,)'", "(,)"))),
      new Case("trg", "tstzrange", "'empty'", "'[2020-01-01 00:00+09,)'", "VARCHAR", "STRING", "empty",
          "[\"2019-12-31 15:00:00+00\",)"),
      new Case("mr", "int4multirange", "'{}'", "'{[1,3),[5,7)}'", "VARCHAR", "STRING", "{}", "{[1,3),[5,7)}"),
      new Case("tsv", "tsvector", "''", "'a fat cat'", "VARCHAR", "STRING", "", "'a' 'cat' 'fat'"),
      new Case("tsq", "tsquery", "''", "'fat & rat'", "VARCHAR", "STRING", "", "'fat' & 'rat'"));

  /** The statements that create table {@code t} in a fresh database: ids 1 (minima), 2 (maxima), 3 (NULLs), then specials. */
  public static List<String> statements() {
    StringBuilder ddl = new StringBuilder("CREATE TABLE t (id integer PRIMARY KEY");
    List<String> mins = new ArrayList<>();
    List<String> maxs = new ArrayList<>();
    for (Case c : CASES) {
      ddl.append(", ").append(c.column()).append(' ').append(c.declaration());
      mins.add(c.minSql());
      maxs.add(c.maxSql());
    }
    ddl.append(")");
    String cols = String.join(", ", CASES.stream().map(Case::column).toList());
    List<String> statements = new ArrayList<>(List.of(
        "CREATE EXTENSION citext",
        "CREATE TYPE mood AS ENUM ('sad', '😀')",
        "CREATE DOMAIN positive_amount AS numeric(5,1) CHECK (VALUE > 0)",
        "CREATE DOMAIN short_text AS varchar(2)",
        ddl.toString(),
        "INSERT INTO t (id, " + cols + ") VALUES (1, " + String.join(", ", mins) + ")",
        "INSERT INTO t (id, " + cols + ") VALUES (2, " + String.join(", ", maxs) + ")",
        "INSERT INTO t (id) VALUES (3)"));
    for (int k = 0; k < specialRows(); k++) {
      List<String> names = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (Case c : CASES) {
        if (c.specials().size() > k) {
          names.add(c.column());
          values.add(c.specials().get(k).sql());
        }
      }
      statements.add("INSERT INTO t (id, " + String.join(", ", names) + ") VALUES (" + (4 + k) + ", "
          + String.join(", ", values) + ")");
    }
    return statements;
  }

  /** Rows of table {@code t}. */
  public static int rowCount() {
    return 3 + specialRows();
  }

  private static int specialRows() {
    return CASES.stream().mapToInt(c -> c.specials().size()).max().orElse(0);
  }
}
