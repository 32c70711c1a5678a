package dev.rds2bq.localrun;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The command line of the local run, parsed once; {@code --help} prints {@link #USAGE}. */
record LocalRunOptions(
    Path dataDir,
    Path config,
    String jdbcUrl,
    String user,
    List<String> databases,
    List<String> tables,
    Path policy,
    LocalDate runDate,
    long users,
    long stepLogs,
    long meals,
    Long rowsPerRange,
    boolean printResults,
    String query,
    boolean initPolicy,
    boolean help,
    boolean advanceDemo) {

  static final String USAGE = """
      usage: ./rds2bq-local [options]

      Runs the Step Functions definition, statemachine/pipeline.asl.json, on aws-local-stepfunctions
      (Node 22) over the real handlers: plans a run, exports every table (or key range) through the
      masking policy into Parquet on a local S3 (S3Proxy over a folder), publishes each table (manifest,
      _SUCCESS) and prints a summary; exits non-zero with the cause when the execution fails. With no
      source given it starts an embedded MariaDB with two demo databases: sakila and healthapp (a
      generated health-care app).

        --data-dir DIR      where the S3 objects are kept (default: local-data)
        --config FILE       the same YAML the Lambdas read (docs/configuration.md): every key applies, and
                            the run prints what it replaces to run here (bucket, source login and TLS,
                            secrets, load waits, concurrency above 2); --policy, --databases and
                            --rows-per-range still win over the file
        --jdbc-url URL      export this server instead, e.g. jdbc:mysql://127.0.0.1:3306/app or
                            jdbc:postgresql://127.0.0.1:5432/app (the password comes from the environment
                            variable RDS2BQ_SOURCE_PASSWORD)
        --user NAME         login for --jdbc-url (default: root)
        --databases A,B     databases to export (default: the demo's two sources, MariaDB and PostgreSQL;
                            with this option the MariaDB demo only; the database of a MySQL --jdbc-url;
                            for PostgreSQL, schemas, default public)
        --tables T1,T2      only these tables (names, database.table, or source.database.table)
        --policy FILE       masking policy (default: the config's masking.policyFile, or the demo policy)
        --run-date DATE     the run date, YYYY-MM-DD (default: today in the config's runDateZone, UTC)
        --users N           demo app users (default 2000); --step-logs N (default 50000); --meals N (default 10000)
        --rows-per-range N  split tables of more than N rows into key ranges of about N rows (default: the
                            config's planning, or 2000000)
        --advance-demo      change the demo's healthapp.step_logs (an incremental table, cursor recorded_at,
                            deletes: key_diff) before the run, as its app would between two runs: rows
                            updated, inserted and deleted; the run reads only the rows after the last
                            mark and merges them into the warehouse (the summary says what it merged).
                            Run ./rds2bq-local first; each further --advance-demo adds another round
        --print-results     print every handler output (plan, export results, publish results) as JSON;
                            they are always saved under <data-dir>/results/
        --query SQL         run nothing: query the warehouse of the last run (<data-dir>/warehouse.duckdb,
                            DuckDB SQL; datasets are schemas), e.g.
                            --query "SELECT birthday, count(*) FROM rds2bq_local.healthapp__users GROUP BY 1"
        --init-policy       run nothing: print a starting masking policy for the databases (the demo ones,
                            or those of --jdbc-url and --databases), every column listed with the
                            detector's suggestion and the reason as a comment; e.g.
                            ./rds2bq-local --init-policy --jdbc-url jdbc:mysql://127.0.0.1:3306/app > masking.yaml
      """;

  static LocalRunOptions parse(String[] args) {
    Path dataDir = Path.of("local-data");
    Path config = null;
    String jdbcUrl = null;
    String user = "root";
    List<String> databases = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    Path policy = null;
    LocalDate runDate = null;
    long users = 2_000;
    long stepLogs = 50_000;
    long meals = 10_000;
    Long rowsPerRange = null;
    boolean printResults = false;
    String query = null;
    boolean initPolicy = false;
    boolean help = false;
    boolean advanceDemo = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> help = true;
        case "--print-results" -> printResults = true;
        case "--advance-demo" -> advanceDemo = true;
        case "--init-policy" -> initPolicy = true;
        case "--query" -> query = value(args, ++i, a);
        case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
        case "--config" -> config = Path.of(value(args, ++i, a));
        case "--jdbc-url" -> jdbcUrl = value(args, ++i, a);
        case "--user" -> user = value(args, ++i, a);
        case "--databases" -> databases = List.of(value(args, ++i, a).split(","));
        case "--tables" -> tables = List.of(value(args, ++i, a).split(","));
        case "--policy" -> policy = Path.of(value(args, ++i, a));
        case "--run-date" -> {
          String v = value(args, ++i, a);
          try {
            runDate = LocalDate.parse(v);
          } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--run-date must be YYYY-MM-DD, got '" + v + "'");
          }
        }
        case "--users" -> users = count(args, ++i, a);
        case "--step-logs" -> stepLogs = count(args, ++i, a);
        case "--meals" -> meals = count(args, ++i, a);
        case "--rows-per-range" -> rowsPerRange = Math.max(1000, count(args, ++i, a));
        default -> throw new IllegalArgumentException("unknown option '" + a + "'; see --help");
      }
    }
    return new LocalRunOptions(dataDir, config, jdbcUrl, user, databases, tables, policy, runDate, users, stepLogs,
        meals, rowsPerRange, printResults, query, initPolicy, help, advanceDemo);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value; see --help");
    }
    return args[i];
  }

  private static long count(String[] args, int i, String option) {
    String v = value(args, i, option);
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the message
    }
    throw new IllegalArgumentException(option + " must be a positive whole number, got '" + v + "'");
  }
}
