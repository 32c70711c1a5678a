package dev.rds2bq.localgcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.LocalDate;

/**
 * The local warehouse: one DuckDB file standing in for a BigQuery project. A dataset is a DuckDB
 * schema, a table a DuckDB table. The BigQuery side of each (location, schema with modes and
 * descriptions) is kept in {@code _bq_meta}, so it survives a restart and reads back exactly as it
 * was declared, whatever DuckDB type stands in for a BigQuery one.
 */
public final class Warehouse implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A BigQuery column as the REST API declares it. */
  public record Field(String name, String type, String mode, String description) {}

  public record Dataset(String id, String location) {}

  /**
   * A BigQuery table. {@code partitionType} (HOUR, DAY, MONTH, YEAR) is set for a partitioned table,
   * with {@code partitionField} for column partitioning or null for ingestion-time partitioning,
   * whose rows carry a hidden {@code _PARTITIONTIME} column here; {@code clustering} lists the
   * clustering columns (empty when none).
   */
  public record Table(String dataset, String id, List<Field> fields, String description, String partitionType,
      String partitionField, List<String> clustering) {
    public Table {
      clustering = clustering == null ? List.of() : List.copyOf(clustering);
    }

    public Table(String dataset, String id, List<Field> fields, String description) {
      this(dataset, id, fields, description, null, null, List.of());
    }

    /** Whether rows get their partition from the load (a decorator, or the load's date), not from a column. */
    public boolean ingestionTimePartitioned() {
      return partitionType != null && partitionField == null;
    }
  }

  /** The hidden column of an ingestion-time partitioned table; GoogleSQL's pseudo-column of the same name. */
  public static final String PARTITION_TIME = "_PARTITIONTIME";

  /** A top-level column of a Parquet file as its footer declares it, e.g. BYTE_ARRAY with UTF8 or JSON. */
  public record ParquetColumn(String file, String name, String physicalType, String convertedType, String logicalType) {}

  private final Path file;
  private final Connection connection;

  public Warehouse(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
      try (Statement s = connection.createStatement()) {
        // BigQuery works in UTC: DATE(timestamp) and the like must not follow the machine's zone.
        s.execute("SET TimeZone = 'UTC'");
        s.execute("CREATE SCHEMA IF NOT EXISTS _bq_meta");
        s.execute("CREATE TABLE IF NOT EXISTS _bq_meta.datasets (dataset VARCHAR PRIMARY KEY, location VARCHAR)");
        s.execute("CREATE TABLE IF NOT EXISTS _bq_meta.tables (dataset VARCHAR, tbl VARCHAR, fields VARCHAR,"
            + " description VARCHAR, PRIMARY KEY (dataset, tbl))");
        // Warehouse files from before partitioning gain the columns, empty.
        s.execute("ALTER TABLE _bq_meta.tables ADD COLUMN IF NOT EXISTS partition_type VARCHAR");
        s.execute("ALTER TABLE _bq_meta.tables ADD COLUMN IF NOT EXISTS partition_field VARCHAR");
        s.execute("ALTER TABLE _bq_meta.tables ADD COLUMN IF NOT EXISTS clustering VARCHAR");
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the local warehouse " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  public synchronized Optional<Dataset> dataset(String id) {
    return query("SELECT location FROM _bq_meta.datasets WHERE dataset = ?", List.of(id)).stream()
        .findFirst().map(row -> new Dataset(id, (String) row.get("location")));
  }

  public synchronized void createDataset(String id, String location) {
    exec("CREATE SCHEMA IF NOT EXISTS " + quote(id));
    update("INSERT INTO _bq_meta.datasets VALUES (?, ?)", List.of(id, location));
  }

  public synchronized Optional<Table> table(String dataset, String id) {
    return query("SELECT fields, description, partition_type, partition_field, clustering FROM _bq_meta.tables"
        + " WHERE dataset = ? AND tbl = ?", List.of(dataset, id))
        .stream().findFirst().map(row -> new Table(dataset, id, readFields((String) row.get("fields")),
            (String) row.get("description"), (String) row.get("partition_type"), (String) row.get("partition_field"),
            row.get("clustering") == null || ((String) row.get("clustering")).isEmpty() ? List.of()
                : List.of(((String) row.get("clustering")).split(","))));
  }

  public synchronized void createTable(Table table) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(qualified(table.dataset(), table.id())).append(" (");
    for (int i = 0; i < table.fields().size(); i++) {
      Field f = table.fields().get(i);
      ddl.append(i == 0 ? "" : ", ").append(quote(f.name())).append(' ').append(duckType(f.type()));
    }
    if (table.ingestionTimePartitioned()) {
      ddl.append(", ").append(quote(PARTITION_TIME)).append(" TIMESTAMPTZ");
    }
    exec(ddl.append(')').toString());
    java.util.ArrayList<Object> values = new java.util.ArrayList<>(List.of(table.dataset(), table.id(),
        writeFields(table.fields()), table.description() == null ? "" : table.description()));
    values.add(table.partitionType());
    values.add(table.partitionField());
    values.add(String.join(",", table.clustering()));
    update("INSERT INTO _bq_meta.tables (dataset, tbl, fields, description, partition_type, partition_field, clustering)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)", values);
  }

  /** tables.delete: the rows and the declared schema go. */
  public synchronized void dropTable(String dataset, String table) {
    exec("DROP TABLE " + qualified(dataset, table));
    update("DELETE FROM _bq_meta.tables WHERE dataset = ? AND tbl = ?", List.of(dataset, table));
  }

  /** Replaces the declared schema: new fields become new columns; existing ones keep their data. */
  public synchronized void updateTable(Table table) {
    Table old = table(table.dataset(), table.id()).orElseThrow();
    for (Field f : table.fields()) {
      if (old.fields().stream().noneMatch(o -> o.name().equalsIgnoreCase(f.name()))) {
        exec("ALTER TABLE " + qualified(table.dataset(), table.id()) + " ADD COLUMN " + quote(f.name()) + " " + duckType(f.type()));
      }
    }
    update("UPDATE _bq_meta.tables SET fields = ?, description = ? WHERE dataset = ? AND tbl = ?",
        List.of(writeFields(table.fields()), table.description() == null ? "" : table.description(), table.dataset(), table.id()));
  }

  /**
   * Loads Parquet files into a table in one transaction, matching columns by name as a BigQuery load
   * does; with {@code truncate} the old rows go in the same transaction. Returns the rows loaded.
   */
  public synchronized long load(String dataset, String table, List<Path> files, boolean truncate) throws SQLException {
    return load(dataset, table, files, truncate, null);
  }

  /**
   * The same into one day partition of an ingestion-time partitioned table ({@code day} from a
   * {@code $YYYYMMDD} decorator): {@code truncate} replaces that partition only. Without a day, rows
   * of such a table get the load's date (UTC), as BigQuery gives them the load time.
   */
  public synchronized long load(String dataset, String table, List<Path> files, boolean truncate, LocalDate day)
      throws SQLException {
    Table t = table(dataset, table).orElseThrow();
    if (day != null && !t.ingestionTimePartitioned()) {
      throw new SQLException("Partition decorator on table " + dataset + "." + table + ", which the local stand-in"
          + " does not partition by ingestion time; it loads decorators into ingestion-time partitioned tables only");
    }
    String partition = t.ingestionTimePartitioned()
        ? "TIMESTAMPTZ '" + (day == null ? LocalDate.now(java.time.ZoneOffset.UTC) : day) + " 00:00:00+00'" : null;
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < files.size(); i++) {
      list.append(i == 0 ? "" : ", ").append('\'').append(files.get(i).toAbsolutePath().toString().replace("'", "''")).append('\'');
    }
    list.append(']');
    boolean auto = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      if (truncate) {
        s.execute("DELETE FROM " + qualified(dataset, table)
            + (day == null ? "" : " WHERE " + quote(PARTITION_TIME) + " = " + partition));
      }
      long rows = files.isEmpty() ? 0 : s.executeUpdate("INSERT INTO " + qualified(dataset, table)
          + " BY NAME SELECT *" + (partition == null ? "" : ", " + partition + " AS " + quote(PARTITION_TIME))
          + " FROM read_parquet(" + list + ", hive_partitioning = false)");
      connection.commit();
      return rows;
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(auto);
    }
  }

  /** The top-level columns of each file, read from the footers (not from rds2bq's manifest). */
  public synchronized List<ParquetColumn> parquetColumns(List<Path> files) throws SQLException {
    List<ParquetColumn> out = new ArrayList<>();
    for (Path f : files) {
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT name, type, converted_type, logical_type, num_children FROM parquet_schema(?)")) {
        ps.setString(1, f.toAbsolutePath().toString());
        try (ResultSet rs = ps.executeQuery()) {
          boolean root = true;
          while (rs.next()) {
            if (root) { // the schema's root group comes first
              root = false;
              continue;
            }
            out.add(new ParquetColumn(f.getFileName().toString(), rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4)));
          }
        }
      }
    }
    return out;
  }

  public synchronized long count(String dataset, String table) {
    return ((Number) query("SELECT count(*) AS n FROM " + qualified(dataset, table), List.of()).get(0).get("n")).longValue();
  }

  /** Runs one DuckDB statement, for tests that change the warehouse behind the stand-ins' back. */
  public synchronized void execute(String sql) {
    exec(sql);
  }

  /** Runs a query for tests and the local run's summary. */
  public synchronized List<Map<String, Object>> query(String sql, List<?> params) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int c = 1; c <= n; c++) {
            row.put(rs.getMetaData().getColumnLabel(c), rs.getObject(c));
          }
          rows.add(row);
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("warehouse query failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** A result column with the BigQuery type a query job reports for it. */
  public record Column(String name, String type) {}

  /**
   * What one statement gave: columns and rows (values as BigQuery's REST API writes them, a
   * TIMESTAMP as microseconds since the epoch), or for DML the rows it changed.
   */
  public record Result(List<Column> columns, List<String[]> rows, Long dmlAffectedRows) {}

  /**
   * Runs one DuckDB statement (a query job's translated SQL) with positional parameters. With
   * {@code destination} (dataset, table) a query's rows go into that table instead: created from the
   * result's columns when missing, emptied first with {@code truncate}. A destination with a partition
   * decorator ({@code table$YYYYMMDD}) names one day partition of an existing ingestion-time
   * partitioned table: {@code truncate} replaces that partition only and the rows get that day, as
   * BigQuery writes query results to a partition.
   */
  public synchronized Result run(String sql, List<?> params, String[] destination, boolean truncate) throws SQLException {
    if (destination != null) {
      return runInto(sql, params, destination, truncate);
    }
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, params);
      if (!ps.execute()) {
        return new Result(List.of(), List.of(), (long) ps.getUpdateCount());
      }
      try (ResultSet rs = ps.getResultSet()) {
        var md = rs.getMetaData();
        List<Column> columns = new ArrayList<>();
        for (int c = 1; c <= md.getColumnCount(); c++) {
          columns.add(new Column(md.getColumnLabel(c), bigQueryType(md.getColumnLabel(c), md.getColumnTypeName(c))));
        }
        List<String[]> rows = new ArrayList<>();
        while (rs.next()) {
          String[] row = new String[columns.size()];
          for (int c = 0; c < row.length; c++) {
            row[c] = restValue(rs, c + 1, columns.get(c));
          }
          rows.add(row);
        }
        return new Result(columns, rows, null);
      }
    }
  }

  private static void bind(PreparedStatement ps, List<?> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
  }

  private Result runInto(String sql, List<?> params, String[] destination, boolean truncate) throws SQLException {
    int dollar = destination[1].indexOf('$');
    String table = dollar < 0 ? destination[1] : destination[1].substring(0, dollar);
    String partition = null;
    if (dollar >= 0) {
      String decorator = destination[1].substring(dollar + 1);
      if (!decorator.matches("\\d{8}")) {
        throw new SQLException("Invalid partition decorator $" + decorator + " on " + destination[0] + "." + table
            + "; the local stand-in takes $YYYYMMDD");
      }
      Table t = table(destination[0], table).orElseThrow(() -> new SQLException("Not found: Table " + destination[0]
          + "." + table));
      if (!t.ingestionTimePartitioned()) {
        throw new SQLException("Partition decorator on table " + destination[0] + "." + table + ", which the local"
            + " stand-in does not partition by ingestion time");
      }
      partition = "TIMESTAMPTZ '" + LocalDate.parse(decorator, java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
          + " 00:00:00+00'";
    }
    boolean exists = table(destination[0], table).isPresent();
    Result shape = run("SELECT * FROM (" + sql + ") LIMIT 0", params, null, false);
    boolean auto = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      if (!exists) {
        List<Field> fields = shape.columns().stream().map(c -> new Field(c.name(), c.type(), "NULLABLE", null)).toList();
        createTable(new Table(destination[0], table, fields, null));
      } else if (truncate) {
        exec("DELETE FROM " + qualified(destination[0], table)
            + (partition == null ? "" : " WHERE " + quote(PARTITION_TIME) + " = " + partition));
      }
      long rows;
      try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + qualified(destination[0], table)
          + " BY NAME (" + (partition == null ? sql
              : "SELECT *, " + partition + " AS " + quote(PARTITION_TIME) + " FROM (" + sql + ")") + ")")) {
        bind(ps, params);
        rows = ps.executeUpdate();
      }
      connection.commit();
      return new Result(shape.columns(), List.of(), rows);
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(auto);
    }
  }

  /**
   * The bytes a BigQuery query reading these columns of the table would process: BigQuery counts
   * each referenced column's logical size, per value 8 bytes for INT64, FLOAT64, DATE, DATETIME,
   * TIMESTAMP and TIME, 1 for BOOL, 16 for NUMERIC, 32 for BIGNUMERIC, and 2 plus the UTF-8 length
   * for STRING and BYTES; NULL is 0 (docs: "Storage pricing" data size calculation).
   */
  public synchronized long logicalBytes(String dataset, String table, List<String> columns) {
    Table t = table(dataset, table).orElseThrow();
    StringBuilder sum = new StringBuilder("SELECT CAST(0");
    for (Field f : t.fields()) {
      if (columns.stream().noneMatch(c -> c.equalsIgnoreCase(f.name()))) {
        continue;
      }
      String q = quote(f.name());
      String size = switch (f.type().toUpperCase()) {
        case "BOOL", "BOOLEAN" -> "1";
        case "NUMERIC", "DECIMAL" -> "16";
        case "BIGNUMERIC", "BIGDECIMAL" -> "32";
        case "STRING", "JSON", "GEOGRAPHY" -> "2 + strlen(" + q + ")";
        case "BYTES" -> "2 + octet_length(" + q + ")";
        default -> "8";
      };
      sum.append(" + coalesce(sum(CASE WHEN ").append(q).append(" IS NULL THEN 0 ELSE ").append(size).append(" END), 0)");
    }
    sum.append(" AS BIGINT) AS n FROM ").append(qualified(dataset, table));
    return ((Number) query(sum.toString(), List.of()).get(0).get("n")).longValue();
  }

  /** The BigQuery type of a result column; a DuckDB type with no BigQuery counterpart is refused. */
  static String bigQueryType(String column, String duckType) {
    String t = duckType.toUpperCase();
    if (t.startsWith("DECIMAL")) {
      String[] ps = t.substring(t.indexOf('(') + 1, t.indexOf(')')).split(",");
      int precision = Integer.parseInt(ps[0].trim());
      int scale = Integer.parseInt(ps[1].trim());
      return precision - scale <= 29 && scale <= 9 ? "NUMERIC" : "BIGNUMERIC";
    }
    return switch (t) {
      case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT" -> "INTEGER";
      case "DOUBLE", "FLOAT" -> "FLOAT";
      case "VARCHAR" -> "STRING";
      case "BOOLEAN" -> "BOOLEAN";
      case "DATE" -> "DATE";
      case "TIMESTAMP" -> "DATETIME";
      case "TIMESTAMP WITH TIME ZONE" -> "TIMESTAMP";
      case "TIME" -> "TIME";
      case "BLOB" -> "BYTES";
      default -> throw new GoogleSql.Refused("result column " + column + " has the local type " + duckType
          + ", which the stand-in does not map to a BigQuery type");
    };
  }

  private static final java.time.format.DateTimeFormatter SECONDS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private static String restValue(ResultSet rs, int c, Column column) throws SQLException {
    Object raw = rs.getObject(c);
    if (raw == null) {
      return null;
    }
    return switch (column.type()) {
      case "INTEGER" -> {
        java.math.BigInteger v = new java.math.BigInteger(raw.toString());
        if (v.bitLength() > 63) {
          throw new GoogleSql.Refused("Integer overflow: " + column.name() + " = " + v + " does not fit INT64");
        }
        yield v.toString();
      }
      case "FLOAT" -> String.valueOf(rs.getDouble(c));
      case "NUMERIC", "BIGNUMERIC" -> {
        java.math.BigDecimal v = rs.getBigDecimal(c).stripTrailingZeros();
        yield v.signum() == 0 ? "0" : v.toPlainString();
      }
      case "BOOLEAN" -> String.valueOf(rs.getBoolean(c));
      case "DATE" -> rs.getObject(c, java.time.LocalDate.class).toString();
      case "DATETIME" -> {
        java.time.LocalDateTime v = rs.getObject(c, java.time.LocalDateTime.class);
        yield SECONDS.format(v) + fraction(v.getNano());
      }
      case "TIME" -> {
        java.time.LocalTime v = (java.time.LocalTime) raw;
        yield String.format("%02d:%02d:%02d", v.getHour(), v.getMinute(), v.getSecond()) + fraction(v.getNano());
      }
      case "TIMESTAMP" -> {
        java.time.Instant v = rs.getObject(c, java.time.OffsetDateTime.class).toInstant();
        yield String.valueOf(Math.addExact(Math.multiplyExact(v.getEpochSecond(), 1_000_000L), v.getNano() / 1000));
      }
      case "BYTES" -> java.util.Base64.getEncoder().encodeToString(rs.getBytes(c));
      default -> rs.getString(c);
    };
  }

  /** Microseconds as BigQuery prints them: none when zero, else six digits. */
  private static String fraction(int nanos) {
    return nanos / 1000 == 0 ? "" : String.format(".%06d", nanos / 1000);
  }

  /**
   * The DuckDB type standing in for a BigQuery type. DuckDB's DECIMAL stops at 38 digits, so
   * BIGNUMERIC is kept as DOUBLE here: close, not exact, which is a limit of the stand-in only.
   */
  static String duckType(String bigQueryType) {
    return switch (bigQueryType.toUpperCase()) {
      case "INT64", "INTEGER" -> "BIGINT";
      case "FLOAT64", "FLOAT" -> "DOUBLE";
      case "NUMERIC" -> "DECIMAL(38,9)";
      case "BIGNUMERIC" -> "DOUBLE";
      case "BOOL", "BOOLEAN" -> "BOOLEAN";
      case "BYTES" -> "BLOB";
      case "DATE" -> "DATE";
      case "DATETIME" -> "TIMESTAMP";
      case "TIMESTAMP" -> "TIMESTAMPTZ";
      case "TIME" -> "TIME";
      case "STRING", "JSON", "GEOGRAPHY" -> "VARCHAR";
      default -> throw new IllegalArgumentException("no local type for BigQuery type " + bigQueryType);
    };
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String qualified(String dataset, String table) {
    return quote(dataset) + "." + quote(table);
  }

  private void exec(String sql) {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("warehouse statement failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  private void update(String sql, List<?> params) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("warehouse statement failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  private static String writeFields(List<Field> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Field> readFields(String json) {
    try {
      return JSON.readValue(json, new TypeReference<List<Field>>() {});
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing a local file; nothing to recover
    }
  }
}
