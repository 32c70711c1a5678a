package dev.rds2bq.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.config.HashKey;
import dev.rds2bq.contract.BoundSeal;
import dev.rds2bq.mask.TableMasking;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.error.ConfigException;
import dev.rds2bq.error.InvalidInputException;
import dev.rds2bq.error.MaskingPolicyException;
import dev.rds2bq.contract.BucketLayout;
import dev.rds2bq.contract.CursorWindow;
import dev.rds2bq.contract.KeyRange;
import dev.rds2bq.contract.RunTable;
import dev.rds2bq.contract.TableState;
import dev.rds2bq.contract.TableStates;
import dev.rds2bq.export.Cursors;
import dev.rds2bq.contract.RunDates;
import dev.rds2bq.contract.RunPlan;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.contract.RunPlan.TablePlan;
import dev.rds2bq.mask.ValueScan;
import dev.rds2bq.config.PipelineConfig.NamedSource;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.Sources;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.TableSize;
import dev.rds2bq.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans a run: the run id and date, the tables (discovered in the source's catalog, filtered by the
 * config's include/exclude and the input's subset), each table's masking checked before any export
 * starts, and big tables split into key ranges.
 */
public final class RunPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(RunPlanner.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private final PipelineConfig config;
  private final Sources sources;
  private final MaskingPolicy policy;
  private final ObjectStore store;
  private final TableStates states;
  private final Clock clock;
  private final RunGuard guard;
  private final HashKey.Versions hashKeys;
  private final BoundSeal boundSeal;

  public RunPlanner(PipelineConfig config, Source source, MaskingPolicy policy, ObjectStore store, Clock clock) {
    this(config, source, policy, store, clock, null);
  }

  /** A planner of one source, whatever the config names. */
  public RunPlanner(PipelineConfig config, Source source, MaskingPolicy policy, ObjectStore store, Clock clock,
      RunGuard guard) {
    this(config, Sources.only(source), policy, store, clock, guard);
  }

  /** @param guard the one-run-at-a-time check; null where there is no state machine (the local run) */
  public RunPlanner(PipelineConfig config, Sources sources, MaskingPolicy policy, ObjectStore store, Clock clock,
      RunGuard guard) {
    this(config, sources, policy, store, clock, guard, null, null);
  }

  private RunPlanner(PipelineConfig config, Sources sources, MaskingPolicy policy, ObjectStore store, Clock clock,
      RunGuard guard, HashKey.Versions hashKeys, BoundSeal boundSeal) {
    this.hashKeys = hashKeys;
    this.boundSeal = boundSeal;
    this.guard = guard;
    this.config = config;
    this.sources = sources;
    this.policy = policy;
    this.store = store;
    this.clock = clock;
    this.states = store == null ? null : new TableStates(store, BucketLayout.of(config));
  }

  /**
   * The same planner pinning the hash key: a run with a table that hashes records the key's current
   * secret version in its plan, and every export of the run reads that version (docs/masking.md).
   */
  public RunPlanner pinningHashKey(HashKey.Versions keys) {
    return new RunPlanner(config, sources, policy, store, clock, guard, keys, boundSeal);
  }

  /**
   * The same planner sealing the bounds of tables whose primary-key column is masked; without a seal
   * such a table is planned in one piece, so that no raw key value is written anywhere.
   */
  public RunPlanner sealingBounds(BoundSeal seal) {
    return new RunPlanner(config, sources, policy, store, clock, guard, hashKeys, seal);
  }

  /**
   * A rename for a table the databases do not have is a typo: said now, not ignored forever. The
   * catalog is keyed by the database as messages name it ({@link NamedSource#qualify}), the way
   * rename keys name it too.
   */
  private void checkRenamedTables(Map<String, Map<String, long[]>> catalog, List<String> databases) {
    List<String> unknown = new ArrayList<>();
    for (String qualified : config.columnNames().rename().keySet()) {
      int dot = qualified.lastIndexOf('.');
      String db = qualified.substring(0, dot);
      String table = qualified.substring(dot + 1);
      Map<String, long[]> tables = catalog.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(db))
          .map(Map.Entry::getValue).findFirst().orElse(null);
      if (tables == null || tables.keySet().stream().noneMatch(t -> t.equalsIgnoreCase(table))) {
        unknown.add(qualified);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("config key 'columnNames.rename' names tables that the databases " + databases
          + " do not have: " + unknown + ". Fix: correct or remove them");
    }
  }

  /** A table the run may export: its source, database and name. */
  private record Chosen(NamedSource source, String database, String table) {
    String qualifiedDatabase() {
      return source.qualify(database);
    }

    String name() {
      return qualifiedDatabase() + "." + table;
    }
  }

  /** The sources this run covers: all, or those the input names. */
  private List<NamedSource> runSources(PlanInput input) {
    List<NamedSource> all = config.sourceList();
    if (input.sources().isEmpty()) {
      return all;
    }
    List<String> names = all.stream().map(NamedSource::name).toList();
    List<String> unknown = input.sources().stream().filter(n -> !names.contains(n)).toList();
    if (!unknown.isEmpty()) {
      throw new InvalidInputException("input 'sources' names " + unknown + ", which the config does not have;"
          + (config.sources() == null ? " the config has a single source: leave 'sources' out"
          : " its sources are " + names));
    }
    return all.stream().filter(s -> input.sources().contains(s.name())).toList();
  }

  /**
   * The pipeline reads a read replica, which the application may use too: a source that takes
   * writes is most likely the primary, whose load is the application's. Refused unless its config
   * says {@code allowWritable: true}.
   */
  private void checkReadOnly(List<NamedSource> runSources) {
    for (NamedSource s : runSources) {
      if (s.config().allowWritable()) {
        continue;
      }
      Source.ReadOnly role = sources.get(s.name()).readOnly();
      if (!role.readOnly()) {
        throw new ConfigException("the source " + (s.name() == null ? "" : "'" + s.name() + "' ")
            + sources.get(s.name()).endpoint() + " accepts writes (" + role.evidence() + "): it looks like a primary,"
            + " and rds2bq reads a read replica so that an export never adds load to the database the application"
            + " writes to. Fix: point " + s.key() + ".secretId at a read replica's (or a cluster reader's) endpoint, or"
            + " set " + s.key() + ".allowWritable: true to export from this server anyway");
      }
    }
  }

  public RunPlan plan(PlanInput input) {
    RunModes modes = new RunModes(input.modes());
    List<NamedSource> runSources = runSources(input);
    for (NamedSource s : runSources) {
      if (s.databases().isEmpty()) {
        throw new ConfigException("config key '" + (s.name() == null ? "databases" : s.key() + ".databases")
            + "' must list the databases to export; got nothing");
      }
    }
    if (guard != null && !input.allowConcurrent()) {
      guard.ensureAlone(input.executionArn());
    }
    String runDate = runDate(input);
    String runId = input.runId() != null ? input.runId() : newRunId(start(input));
    if (!runId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
      throw new InvalidInputException("runId must be 1-128 letters, digits, '_', '.' or '-'; got '" + runId + "'");
    }
    checkReadOnly(runSources);
    // A run id given in the input may have written attempts before; a new one has none to look for.
    Attempts attempts = input.runId() == null ? null : new Attempts(store, BucketLayout.of(config));
    List<TablePlan> tables = new ArrayList<>();
    boolean hashes = false;
    BoundSeal.Sealing sealing = null;
    List<String> problems = new ArrayList<>();
    RangePlanner ranges = new RangePlanner(config.planning().rowsPerRange());
    // Keyed by the database as messages name it: "db", or "source.db" for a named source.
    Map<String, Map<String, long[]>> catalog = new LinkedHashMap<>();
    List<String> databases = new ArrayList<>();
    // One catalog (one connection) per database for the whole plan, not one per table: 500 tables
    // are 500 logins.
    try (Catalogs catalogs = new Catalogs()) {
      List<Chosen> eligible = new ArrayList<>();
      for (NamedSource s : runSources) {
        Map<String, Map<String, long[]>> sourceCatalog = new LinkedHashMap<>();
        for (String db : s.databases()) {
          Map<String, long[]> sizes = new LinkedHashMap<>();
          for (TableSize t : catalogs.get(s, db).tables()) {
            sizes.put(t.name(), new long[] {t.rows(), t.bytes()});
          }
          sourceCatalog.put(db, sizes);
          catalog.put(s.qualify(db), sizes);
          databases.add(s.qualify(db));
        }
        problems.addAll(policyNameProblems(s, catalogs, sourceCatalog));
        eligible.addAll(eligible(s, sourceCatalog));
      }
      for (String named : policy.sourceNames()) {
        if (config.sources() == null || !config.sources().containsKey(named)) {
          problems.add("masking policy " + policy.fileName() + " names source '" + named + "', which the config does"
              + " not have; its sources are " + config.sourceList().stream().map(NamedSource::name).toList()
              + ". Fix: correct or remove it");
        }
      }
      checkRenamedTables(catalog, databases);
      List<Chosen> chosen = choose(eligible, input.tables());
      if (chosen.isEmpty()) {
        throw new InvalidInputException("no table to export: the databases " + databases
            + " have no base table that the config's tables.include/exclude rules select");
      }
      ExecutionLimits.checkTables(chosen.size(), input.load() == null || input.load());
      // Every table's masking is decided before any range is planned: a refused run costs no key scans.
      Map<Chosen, TableSchema> schemas = new LinkedHashMap<>();
      Map<Chosen, TableMasking> maskings = new HashMap<>();
      for (Chosen c : chosen) {
        try {
          SourceCatalog sourceCatalog = catalogs.get(c.source(), c.database());
          MaskingPolicy sourcePolicy = policy.forSource(c.source().name());
          TableSchema schema = sourceCatalog.table(c.table());
          TableMasking masking =
              sourcePolicy.resolve(schema, Map.of(), config.columnNames().names(c.source().name()));
          ValueScan.Result scan = ValueScan.run(sourcePolicy, config.masking().valueScan(), schema, sourceCatalog);
          if (scan.columns() > 0) {
            LOG.info("value scan table={} columns={} rows={} ms={} budgetExhausted={} flagged={}",
                c.name(), scan.columns(), scan.rows(), scan.millis(), scan.budgetExhausted(),
                scan.findings().keySet());
          }
          if (!scan.findings().isEmpty()) {
            masking = sourcePolicy.resolve(schema, scan.findings(), config.columnNames().names(c.source().name()));
          }
          hashes |= masking.usesHash();
          maskings.put(c, masking);
          schemas.put(c, schema);
        } catch (MaskingPolicyException e) {
          problems.add((c.source().name() == null ? "" : "source " + c.source().name() + ": ") + e.getMessage());
        }
      }
      if (!problems.isEmpty()) {
        throw new MaskingPolicyException("the run was not started; " + problems.size()
            + " masking problem(s) must be fixed first: " + String.join(" | ", problems));
      }
      for (Map.Entry<Chosen, TableSchema> e : schemas.entrySet()) {
        Chosen c = e.getKey();
        TableSchema schema = e.getValue();
        CursorWindow window = null;
        String windowNote = null;
        PipelineConfig.IncrementalTable incremental =
            config.incremental().of(c.source().name(), schema.database(), schema.table());
        String asked = modes.ask(c.source().name(), schema.database(), schema.table(), incremental != null);
        if (incremental != null && asked != null && asked.equals(PlanInput.SNAPSHOT)) {
          incremental = null;
          windowNote = "incremental table read as a snapshot this run (\"modes\"), its state left as it is";
        }
        if (incremental != null) {
          Planned planned = window(c, schema, maskings.get(c), catalogs.get(c.source(), c.database()), incremental,
              runDate, config.bigquery() != null && (input.load() == null || input.load()),
              input.full() || PlanInput.FULL.equals(asked));
          window = planned.window();
          windowNote = planned.note();
        }
        long[] est = catalog.get(c.qualifiedDatabase()).get(schema.table());
        if (window != null && window.after() != null && !incremental.deletes().keyDiff()) {
          // A change set is split by its own size: cut by the table's, each range of a small change set
          // would read its part of the key space for a few rows. (key_diff reads every key: the table's size.)
          long changed = catalogs.get(c.source(), c.database()).rowsAfter(schema, window.column(), window.after());
          if (changed >= 0) {
            est = new long[] {changed, est[0] <= 0 ? 0 : est[1] / est[0] * changed};
            windowNote = windowNote + "; about " + changed + " changed row(s) by the optimizer's estimate";
          }
        }
        long bigBytes = config.planning().bigTableMiB() << 20;
        boolean big = est[0] > config.planning().bigTableRows() || est[1] > bigBytes;
        // A table big by bytes (wide rows) is cut into ranges of about bigTableMiB each, whatever its rows.
        long rowsForRanges = est[1] > bigBytes
            ? Math.max(est[0], ((est[1] + bigBytes - 1) / bigBytes) * config.planning().rowsPerRange())
            : est[0];
        RangePlanner.TableRanges r = big ? ranges.plan(catalogs.get(c.source(), c.database()), schema, rowsForRanges)
            : new RangePlanner.TableRanges(List.of(), schema.primaryKey().isEmpty()
                ? "no primary key: exported as one range" : "small: one range");
        List<KeyRange> compact = r.ranges().stream()
            .map(k -> new KeyRange(k.id(), null, k.lo(), k.hi())).toList();
        String attempt = BucketLayout.FIRST_ATTEMPT;
        String note = r.note();
        if (!compact.isEmpty() && maskings.get(c).masks(schema.primaryKey().get(0))) {
          // The bounds are raw values of a masked column: sealed, or not written at all.
          if (boundSeal == null) {
            compact = List.of();
            note = "one range: its key column " + schema.primaryKey().get(0) + " is masked and config key"
                + " 'masking.boundsKeyId' is not set, so its values may not bound ranges";
          } else {
            if (sealing == null) {
              sealing = boundSeal.start();
            }
            UnaryOperator<String> seal = sealing.seal();
            compact = compact.stream().map(k -> new KeyRange(k.id(), null, seal.apply(k.lo()), seal.apply(k.hi())))
                .toList();
            note = note + "; bounds sealed (the key column is masked)";
          }
        }
        if (attempts != null) {
          Attempts.Choice choice = attempts.choose(c.source().name(), schema.database(), schema.table(), runDate, runId);
          attempt = choice.attempt();
          note = note + (choice.resumed() ? "; resumes attempt " + attempt + ", never published"
              : choice.published() != null ? "; attempt " + choice.published() + " stays as published" : "");
        }
        if (windowNote != null) {
          note = note + "; " + windowNote;
        }
        tables.add(new TablePlan(c.source().name(), schema.database(), schema.table(), attempt, est[0], note,
            Math.max(1, compact.size()), compact, null, window));
      }
    }
    modes.requireAllPlanned();
    int rangeCount = tables.stream().mapToInt(TablePlan::expectedRanges).sum();
    boolean load = input.load() == null || input.load();
    // Read after every masking check passed: a refused plan needs no access to the key's secret.
    String hashKeyVersion = hashes && hashKeys != null ? hashKeys.currentVersion() : null;
    ExecutionLimits.checkHistory(tables.size(), rangeCount, load, config.run());
    RunPlan plan = new RunPlan(runId, runDate, load, input.replaceNewer(), tables.size(), rangeCount, null, config.run(),
        tables, hashKeyVersion, sealing == null ? null : sealing.sealedKey());
    byte[] json = json(plan);
    if (sealing == null && json.length <= config.planning().maxPlanKiB() * 1024
        && widestRanges(tables) <= MAX_INLINE_RANGES_BYTES) {
      return plan;
    }
    // Too big for the state machine's payload, or with sealed bounds: the full plan goes to S3, the
    // output keeps the counts and, per split table, the range ids that ExportTable takes with the
    // plan's key. Sealed bounds never travel through the state machine, even sealed.
    String key = storePlan(runDate, runId, json);
    List<TablePlan> slim = tables.stream().map(t -> new TablePlan(t.source(), t.database(), t.table(), t.attempt(), t.estimatedRows(),
        t.note(), t.expectedRanges(), null,
        t.ranges().isEmpty() ? null : t.ranges().stream().map(KeyRange::id).toList(), t.window())).toList();
    RunPlan reference = new RunPlan(runId, runDate, load, input.replaceNewer(), tables.size(), rangeCount, key,
        config.run(), slim, hashKeyVersion, null);
    if (json(reference).length > config.planning().maxPlanKiB() * 1024) {
      throw new ConfigException("even without its ranges the plan of " + tables.size() + " tables exceeds planning."
          + "maxPlanKiB (" + config.planning().maxPlanKiB() + " KiB); split the tables over several state machines"
          + " with tables.include, or raise the limit up to 250");
    }
    return reference;
  }

  /**
   * Writes the plan under a key of its own, never over another plan of the same run id: an earlier
   * execution, perhaps redriven later, still reads its ranges from its own plan.
   */
  private record Planned(CursorWindow window, String note) {}

  /**
   * An incremental table's window (docs/data-contract.md#incremental-tables): a full snapshot
   * ({@code after} absent) on its first run, when its cursor changed, when its last full snapshot is
   * {@code fullEveryDays} old, or on the first run that loads into BigQuery; otherwise the change set
   * after its last mark minus the lag. A
   * run that loads takes the mark BigQuery holds ({@code loaded}, moved by CheckLoads), one that
   * does not the bucket's. Every window's upper mark is read by the export inside its own snapshot.
   */
  private Planned window(Chosen c, TableSchema schema, TableMasking masking, SourceCatalog catalog,
      PipelineConfig.IncrementalTable inc, String runDate, boolean loads, boolean askedFull) {
    boolean appendOnly = inc.mode() == PipelineConfig.IncrementalMode.APPEND_ONLY;
    if (!appendOnly && schema.primaryKey().isEmpty()) {
      throw new ConfigException("incremental table " + c.name() + " has no primary key: a change set can only be"
          + " applied by key; give the table a primary key, or make it append_only if rows are only ever inserted");
    }
    String named = inc.cursor();
    if (named == null) {
      // append_only without a cursor: the key itself, when it is one increasing integer.
      if (schema.primaryKey().size() != 1 || !Cursors.integer(schema.column(schema.primaryKey().get(0)))) {
        throw new ConfigException("incremental.tables." + c.name() + " is append_only without a cursor, and its"
            + " primary key is not a single integer column; name the increasing integer column as its cursor");
      }
      named = schema.primaryKey().get(0);
    }
    try {
      Cursors.check(schema, masking, named);
    } catch (dev.rds2bq.error.InvalidInputException e) {
      throw new ConfigException("incremental.tables." + c.name() + ": " + e.getMessage());
    }
    if (appendOnly && !Cursors.integer(schema.column(named))) {
      throw new ConfigException("incremental.tables." + c.name() + " is append_only: its cursor '" + named + "' must"
          + " be an increasing integer (an insert-only log's id), not " + schema.column(named).columnType());
    }
    String cursor = schema.column(named).name();
    if (!catalog.leadsAnIndex(schema, cursor)) {
      // Every change set would scan the whole table on the replica: the load incremental reads avoid.
      throw new ConfigException("incremental.tables." + c.name() + ": no index of the table starts with its cursor '"
          + cursor + "', so each change set would scan the whole table on the replica; add one (e.g. CREATE INDEX "
          + cursor + "_idx ON " + schema.table() + " (" + cursor + ")) or remove the table from incremental.tables");
    }
    if (appendOnly && (inc.deletes().keyDiff() || inc.deletes().soft() != null)) {
      throw new ConfigException("incremental.tables." + c.name() + " is append_only, whose rows are never deleted;"
          + " remove its deletes, or make it mode: incremental");
    }
    if (!appendOnly) {
      for (String k : schema.primaryKey()) {
        if (masking.columns().stream().anyMatch(d -> d.source().name().equalsIgnoreCase(k) && d.dropped())) {
          throw new ConfigException("incremental.tables." + c.name() + ": its primary key column '" + k + "' is dropped"
              + " by the masking policy, so a change set cannot be merged by key; keep or hash it");
        }
      }
    }
    if (inc.deletes().soft() != null) {
      String soft = inc.deletes().soft();
      if (schema.columns().stream().noneMatch(col -> col.name().equalsIgnoreCase(soft))) {
        throw new ConfigException("incremental.tables." + c.name() + ".deletes.soft: the table has no column '" + soft
            + "'; name its deleted flag or deleted-at column");
      }
      if (masking.masks(soft)) {
        throw new ConfigException("incremental.tables." + c.name() + ".deletes.soft: column '" + soft + "' is masked by"
            + " the policy, so BigQuery cannot tell a deleted row by it; keep it (a flag or a time is not personal)");
      }
    }
    TableState state = states == null ? null : states.read(RunTable.of(c.source().name(), schema.database(), schema.table(), runDate, null,
        null));
    // A run that loads starts where BigQuery is; one that does not, where the bucket's chain is.
    String stateCursor = state == null ? null : loads ? (state.loaded() == null ? null : state.loaded().cursor())
        : state.cursor();
    String mark = state == null ? null : loads ? (state.loaded() == null ? null : state.loaded().mark()) : state.mark();
    String full = null;
    if (state == null) {
      full = "first run";
    } else if (loads && state.loaded() == null) {
      full = "first load into BigQuery";
    } else if (!cursor.equalsIgnoreCase(stateCursor)) {
      full = "the cursor changed from " + stateCursor + " to " + cursor;
    } else if (state.fullRunDate() == null || java.time.temporal.ChronoUnit.DAYS.between(
        java.time.LocalDate.parse(state.fullRunDate()), java.time.LocalDate.parse(runDate))
        >= config.incremental().fullEveryDays()) {
      full = "the last full snapshot (" + state.fullRunDate() + ") is " + config.incremental().fullEveryDays()
          + " days old or more";
    } else if (askedFull) {
      full = "the run asked for a full snapshot";
    } else if (mark == null) {
      full = "no mark yet (the table had no rows)";
    }
    if (full != null) {
      return new Planned(new CursorWindow(cursor, null, null), "incremental: full snapshot (" + full + ")");
    }
    String after = Cursors.lower(mark, inc.lag(), schema.column(cursor));
    return new Planned(new CursorWindow(cursor, after, null), (appendOnly ? "append_only: rows after " : "incremental:"
        + " changes after ") + after + " (" + (loads ? "BigQuery's mark " : "mark ") + mark + " less lag " + inc.lag()
        + ")" + (loads ? ", merged into BigQuery" : ""));
  }

  private String storePlan(String runDate, String runId, byte[] json) {
    BucketLayout layout = BucketLayout.of(config);
    for (int tries = 0; tries < 3; tries++) {
      String key = layout.planKey(runDate, runId, newRunId(clock.instant()));
      if (store.putIf(key, json, "application/json", null)) {
        return key;
      }
    }
    throw new dev.rds2bq.error.StorageUnavailableException("three plan keys of run " + runId + " were taken; start"
        + " the run again", null);
  }

  /**
   * A table's inline ranges travel with each of its Map's iterations and stay next to their results
   * in one 256 KiB payload; text keys (UUIDs, e-mail addresses) make long bounds. Past this, the plan
   * goes to S3 and the Map carries range ids only.
   */
  static final int MAX_INLINE_RANGES_BYTES = 48 * 1024;

  static int widestRanges(List<TablePlan> tables) {
    int widest = 0;
    for (TablePlan t : tables) {
      if (!t.ranges().isEmpty()) {
        widest = Math.max(widest, json(t.ranges()).length);
      }
    }
    return widest;
  }

  /** Catalogs opened on first use, one per database of each source, closed together. */
  private final class Catalogs implements AutoCloseable {
    private final Map<String, SourceCatalog> open = new LinkedHashMap<>();

    SourceCatalog get(NamedSource source, String database) {
      return open.computeIfAbsent(source.qualify(database), k -> sources.get(source.name()).catalog(database));
    }

    @Override
    public void close() {
      open.values().forEach(SourceCatalog::close);
    }
  }

  /** The input's date, bounded (RunDates), or the execution's day in {@code runDateZone}. */
  private String runDate(PlanInput input) {
    ZoneId zone = ZoneId.of(config.runDateZone());
    if (input.runDate() != null) {
      return RunDates.check("runDate", input.runDate(), zone, clock, config.maxBackfillDays()).toString();
    }
    return LocalDate.ofInstant(start(input), zone).toString();
  }

  /** The execution's start when the state machine passes it, else now: run id and run date share it. */
  private Instant start(PlanInput input) {
    if (input.startTime() == null) {
      return clock.instant();
    }
    try {
      return Instant.parse(input.startTime());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("the execution start time '" + input.startTime() + "' is not an ISO instant");
    }
  }

  private static String newRunId(Instant start) {
    byte[] r = new byte[2];
    // A new generator per call: one made at init would be restored identically in every SnapStart container.
    new SecureRandom().nextBytes(r);
    return RUN_ID_TIME.format(start.atOffset(ZoneOffset.UTC)) + "-" + HexFormat.of().formatHex(r);
  }

  /**
   * Every database and table the policy names that the source lacks, for every database of the
   * policy, not only the configured ones: a typo there would leave a database without its rules.
   */
  private List<String> policyNameProblems(NamedSource s, Catalogs catalogs, Map<String, Map<String, long[]>> catalog) {
    java.util.Set<String> databases = new java.util.TreeSet<>(sources.get(s.name()).databases());
    List<String> problems = policy.forSource(s.name()).unknownNames(databases, db -> catalog.containsKey(db)
        ? catalog.get(db).keySet()
        : new java.util.TreeSet<>(catalogs.get(s, db).tables().stream().map(TableSize::name).toList()));
    return s.name() == null ? problems : problems.stream().map(p -> "source " + s.name() + ": " + p).toList();
  }

  /** A source's tables that its include/exclude rules select, over {@code table} or {@code database.table}. */
  private static List<Chosen> eligible(NamedSource s, Map<String, Map<String, long[]>> catalog) {
    List<Chosen> eligible = new ArrayList<>();
    for (Map.Entry<String, Map<String, long[]>> db : catalog.entrySet()) {
      for (String table : db.getValue().keySet()) {
        if (s.tables().selects(db.getKey(), table)) {
          eligible.add(new Chosen(s, db.getKey(), table));
        }
      }
    }
    return eligible;
  }

  /**
   * Tables after the config's filter and the input's subset; an unknown name lists the valid ones.
   * A name is {@code table}, {@code database.table} or, for a named source, {@code source.database.table}.
   */
  private static List<Chosen> choose(List<Chosen> eligible, List<String> requested) {
    if (requested == null || requested.isEmpty()) {
      return eligible;
    }
    List<Chosen> chosen = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String name : requested) {
      List<Chosen> hits = eligible.stream().filter(e -> name.equals(e.table())
          || name.equals(e.database() + "." + e.table()) || name.equals(e.name())).toList();
      if (hits.isEmpty()) {
        unknown.add(name);
      }
      for (Chosen h : hits) {
        if (!chosen.contains(h)) {
          chosen.add(h);
        }
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidInputException("input 'tables' names " + unknown + ", which are not tables this run can export;"
          + " valid names: " + eligible.stream().map(Chosen::name).toList());
    }
    return chosen;
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
