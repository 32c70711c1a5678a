package dev.rds2bq.source.postgres;

import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.TableSize;
import dev.rds2bq.source.postgres.PostgresColumn.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads schemas and table shapes from PostgreSQL's catalog ({@code pg_class}, {@code pg_attribute},
 * {@code pg_type}, {@code pg_index}) on the connection it is given (a catalog's, or a snapshot's);
 * every name from a request is a bound parameter here. A base table is an ordinary table or a
 * partitioned one, never one of its partitions (their rows are read through the parent), a view or
 * a foreign table.
 */
final class PostgresSchemas {
  private final Connection connection;
  private final Map<Long, PgType> types = new HashMap<>();
  /** Per table read, its columns as the catalog gave them: what the SELECT expressions come from. */
  private final Map<String, Map<String, PostgresColumn>> described = new HashMap<>();
  private Integer moneyScale;

  PostgresSchemas(Connection connection) {
    this.connection = connection;
  }

  /** The schemas the login may use, without PostgreSQL's own. */
  List<String> schemas() throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT nspname FROM pg_namespace"
        + " WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
        + " AND has_schema_privilege(oid, 'USAGE') ORDER BY nspname");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /**
   * The base tables of a schema, sorted by name, with the planner's estimates: {@code reltuples}
   * (0 for a table never analyzed) and the size of the main fork; a partitioned table adds up its
   * partitions. An unknown schema is an error naming it.
   */
  List<TableSize> tables(String schema) throws SQLException {
    requireSchema(schema);
    List<TableSize> tables = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT c.relname,"
        + " CASE WHEN c.relkind = 'p' THEN (SELECT COALESCE(SUM(GREATEST(p.reltuples, 0)), 0)::bigint"
        + "   FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid WHERE t.isleaf)"
        + " ELSE GREATEST(c.reltuples, 0)::bigint END,"
        + " CASE WHEN c.relkind = 'p' THEN (SELECT COALESCE(SUM(pg_relation_size(t.relid)), 0)::bigint"
        + "   FROM pg_partition_tree(c.oid) t WHERE t.isleaf)"
        + " ELSE pg_relation_size(c.oid) END"
        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(new TableSize(rs.getString(1), rs.getLong(2), rs.getLong(3)));
        }
      }
    }
    return tables;
  }

  TableSchema read(String schema, String table) throws SQLException {
    long oid = 0;
    String comment = null;
    try (PreparedStatement ps = connection.prepareStatement("SELECT c.oid, COALESCE(obj_description(c.oid,"
        + " 'pg_class'), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          oid = rs.getLong(1);
          comment = rs.getString(2);
        }
      }
    }
    if (comment == null) {
      List<String> known = tables(schema).stream().map(TableSize::name).toList();
      throw new InvalidInputException("table '" + schema + "." + table + "' is not a base table of schema '"
          + schema + "'; its base tables are: " + abbreviate(known));
    }
    record Raw(String name, String declared, boolean nullable, String comment, long typeOid, int typmod,
        String generated) {}
    List<Raw> raw = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod),"
        + " NOT a.attnotnull, col_description(a.attrelid, a.attnum), a.atttypid, a.atttypmod,"
        + " CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END"
        + " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          raw.add(new Raw(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getLong(5),
              rs.getInt(6), rs.getString(7)));
        }
      }
    }
    Map<String, PostgresColumn> byName = new LinkedHashMap<>();
    List<SourceColumn> columns = new ArrayList<>();
    for (Raw r : raw) {
      // Ordinals count the columns there are: dropped ones leave gaps in attnum.
      PostgresColumn c = new PostgresColumn(r.name(), columns.size() + 1, r.declared(), type(r.typeOid(), r.typmod()),
          r.nullable(), r.comment(), r.generated());
      byName.put(c.name(), c);
      columns.add(PostgresTypes.column(c, usesMoney(c.type()) ? moneyScale() : 2));
    }
    described.put(schema + "\u0000" + table, byName);
    return new TableSchema(schema, table, comment, columns, primaryKey(oid));
  }

  private static boolean usesMoney(PgType t) {
    return t.name().equals("money") || (t.element() != null && usesMoney(t.element()));
  }

  /** The columns of a table this object read, for the SELECT expressions; read now if it was not. */
  Map<String, PostgresColumn> columns(TableSchema table) throws SQLException {
    Map<String, PostgresColumn> c = described.get(table.database() + "\u0000" + table.table());
    if (c == null) {
      read(table.database(), table.table());
      c = described.get(table.database() + "\u0000" + table.table());
    }
    return c;
  }

  private void requireSchema(String schema) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new InvalidInputException("schema '" + schema + "' does not exist in the source's database (or the"
              + " login cannot see it); check the schema name in the request and config");
        }
      }
    }
  }

  private List<String> primaryKey(long oid) throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT a.attname FROM pg_index i"
        + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
        + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    return key;
  }

  /**
   * A type by oid, a domain unwrapped to its base (the innermost type modifier that is set wins, as
   * in the server), an array with its element. Cached: a catalog reads many tables.
   */
  PgType type(long oid, int typmod) throws SQLException {
    PgType base = types.get(oid);
    if (base == null) {
      base = loadType(oid);
      types.put(oid, base);
    }
    return typmod >= 0 && base.typmod() < 0
        ? new PgType(base.name(), base.builtin(), base.kind(), base.category(), typmod, base.element()) : base;
  }

  private PgType loadType(long oid) throws SQLException {
    long current = oid;
    int typmod = -1;
    for (int depth = 0; depth < 32; depth++) {
      String name;
      boolean builtin;
      char kind;
      char category;
      long element;
      long base;
      int domainTypmod;
      try (PreparedStatement ps = connection.prepareStatement("SELECT t.typname, n.nspname = 'pg_catalog',"
          + " t.typtype, t.typcategory, t.typelem, t.typbasetype, t.typtypmod"
          + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = ?")) {
        ps.setLong(1, current);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return new PgType("unknown", false, 'p', 'X', -1, null);
          }
          name = rs.getString(1);
          builtin = rs.getBoolean(2);
          kind = rs.getString(3).charAt(0);
          category = rs.getString(4).charAt(0);
          element = rs.getLong(5);
          base = rs.getLong(6);
          domainTypmod = rs.getInt(7);
        }
      }
      if (kind == 'd') {
        if (typmod < 0 && domainTypmod >= 0) {
          typmod = domainTypmod;
        }
        current = base;
        continue;
      }
      PgType elementType = category == 'A' && element != 0 ? type(element, -1) : null;
      return new PgType(name, builtin, kind, category, typmod, elementType);
    }
    return new PgType("unknown", false, 'p', 'X', -1, null);
  }

  /** The fraction digits of money in this session's lc_monetary, asked once. */
  private int moneyScale() throws SQLException {
    if (moneyScale == null) {
      try (PreparedStatement ps = connection.prepareStatement("SELECT scale(0::money::numeric)");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        moneyScale = rs.getInt(1);
      }
    }
    return moneyScale;
  }

  static String abbreviate(List<String> names) {
    if (names.isEmpty()) {
      return "(none)";
    }
    int shown = Math.min(names.size(), 50);
    String list = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? list + ", ... (" + names.size() + " in all)" : list;
  }
}
