package dev.rds2bq.contract;

import dev.rds2bq.config.PipelineConfig;

/**
 * Every S3 key of a run, in one place: the stages (plan, export, publish, load) take their keys from
 * here and the AWS stack its IAM and lifecycle patterns, so a change of the layout is one edit
 * (docs/data-contract.md, "S3 layout").
 *
 * <pre>
 * &lt;prefix&gt;/[&lt;source&gt;/]&lt;database&gt;/&lt;table&gt;/dt=&lt;runDate&gt;/run=&lt;runId&gt;/attempt=&lt;n&gt;/part-&lt;label&gt;-&lt;seq&gt;.parquet   data
 *                                                                     /keys-&lt;label&gt;-&lt;seq&gt;.parquet   a key_diff change set's keys
 *                                                                     /_exports/&lt;label&gt;.json          full export results
 *                                                                     /_manifest.json                 the snapshot
 *                                                                     /_SUCCESS                       written last
 * &lt;prefix&gt;/[&lt;source&gt;/]&lt;database&gt;/&lt;table&gt;/_latest.json                                          the table's pointer
 * &lt;prefix&gt;/[&lt;source&gt;/]&lt;database&gt;/&lt;table&gt;/_state.json                                           an incremental table's marks
 * &lt;prefix&gt;/_plans/dt=&lt;runDate&gt;/run=&lt;runId&gt;/plan-&lt;planId&gt;.json                    plans too big for a payload
 * </pre>
 *
 * <p>{@link #tableFolder} is the only method that spells where a table lives, and {@link #runFolder}
 * the only one that spells where a run of it writes: a segment in front of the database (a source
 * name, for several sources) is an edit of the first, a segment under the run folder (an attempt,
 * for immutable re-runs) an edit of the second. The IAM patterns below stay valid under either,
 * since {@code *} in a policy also matches {@code /}.
 */
public final class BucketLayout {
  public static final String MANIFEST = "_manifest.json";
  public static final String SUCCESS = "_SUCCESS";
  public static final String LATEST = "_latest.json";
  public static final String STATE = "_state.json";
  /** The folder, inside a run folder, that holds the full export results. */
  public static final String EXPORTS = "_exports/";
  /** The folder, under the prefix, that holds plans too big for the state machine's payload. */
  public static final String PLANS = "_plans/";
  private static final String DATA_SUFFIX = ".parquet";
  private static final String DATA_PREFIX = "part-";
  private static final String KEYS_PREFIX = "keys-";

  /** Objects a stack grants or denies, as patterns relative to the prefix. */
  public static final String ANY_OBJECT = "*";
  public static final String PLANS_PATTERN = PLANS + "*";
  public static final String EXPORT_RESULTS_PATTERN = "*/" + EXPORTS + "*";
  public static final String MANIFESTS_PATTERN = "*/" + MANIFEST;
  public static final String DATA_FILES_PATTERN = "*" + DATA_SUFFIX;
  /** A run folder as words, for messages and policy descriptions. */
  public static final String RUN_FOLDER_SHAPE = "[<source>/]<database>/<table>/dt=<runDate>/run=<runId>/attempt=<n>/";
  /** The attempt of a run id's first execution; a re-run that reads the source again takes the next number. */
  public static final String FIRST_ATTEMPT = "1";
  private static final String ATTEMPT = "attempt=";

  /** {@code ""}, or the prefix and a slash. */
  private final String root;

  /** @param prefix the config's {@code prefix}, without slashes at either end; may be empty */
  public BucketLayout(String prefix) {
    this.root = prefix == null || prefix.isEmpty() ? "" : prefix + "/";
  }

  public static BucketLayout of(PipelineConfig config) {
    return new BucketLayout(config.prefix());
  }

  /** {@code <prefix>/}, or nothing with an empty prefix: what every key of the deployment starts with. */
  public String root() {
    return root;
  }

  /**
   * {@code <prefix>/[<source>/]<database>/<table>/}: the table's runs and its {@code _latest.json}.
   * A table of a named source (config key {@code sources}) lives under its source's folder, so two
   * sources with a database of the same name never share a folder; a single {@code source} keeps
   * the layout without that segment.
   */
  public String tableFolder(RunTable t) {
    return root + (t.source() == null ? "" : t.source() + "/") + t.database() + "/" + t.table() + "/";
  }

  /**
   * {@code <table folder>/dt=<runDate>/run=<runId>/attempt=<n>/}: everything one attempt at a run
   * writes for one table. An attempt is written by one execution and, once published, never again.
   */
  public String runFolder(RunTable t) {
    if (!isAttempt(t.attempt())) {
      throw new dev.rds2bq.error.InvalidInputException("attempt must be a number from 1, as PlanRun gives it (the"
          + " attempt's folder under run=" + t.runId() + "/); got " + (t.attempt() == null ? "nothing" : "'"
          + t.attempt() + "'"));
    }
    return attemptsFolder(t) + ATTEMPT + t.attempt() + "/";
  }

  /** {@code <table folder>/dt=<runDate>/run=<runId>/}: the attempts of one run of one table. */
  public String attemptsFolder(RunTable t) {
    return tableFolder(t) + "dt=" + t.runDate() + "/run=" + t.runId() + "/";
  }

  /** The attempt a key under {@link #attemptsFolder} belongs to, or null for any other key. */
  public String attemptOf(RunTable t, String key) {
    String folder = attemptsFolder(t) + ATTEMPT;
    if (!key.startsWith(folder)) {
      return null;
    }
    int slash = key.indexOf('/', folder.length());
    String attempt = slash < 0 ? null : key.substring(folder.length(), slash);
    return isAttempt(attempt) ? attempt : null;
  }

  /** A positive decimal number without leading zeros: 1, 2, ... */
  public static boolean isAttempt(String attempt) {
    return attempt != null && attempt.matches("[1-9][0-9]{0,8}");
  }

  /** The run date in a key or data path of this layout ({@code .../dt=YYYY-MM-DD/...}), or null. */
  public static String runDateIn(String key) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("/dt=(\\d{4}-\\d{2}-\\d{2})/").matcher(key);
    return m.find() ? m.group(1) : null;
  }

  /** Data file number {@code seq} of the export labelled {@code label}: {@code part-<label>-<seq>.parquet}. */
  public String dataFileKey(RunTable t, String label, int seq) {
    return runFolder(t) + DATA_PREFIX + label + "-" + String.format("%05d", seq) + DATA_SUFFIX;
  }

  /**
   * A key file of range {@code label}: the primary keys of a {@code deletes: key_diff} table's rows,
   * beside the data files but never matched by the data's {@link #dataPath}.
   */
  public String keyFileKey(RunTable t, String label, int seq) {
    return runFolder(t) + KEYS_PREFIX + label + "-" + String.format("%05d", seq) + DATA_SUFFIX;
  }

  /** The DTS {@code data_path} of an attempt's key files. */
  public String keysPath(String bucket, RunTable t) {
    return "s3://" + bucket + "/" + runFolder(t) + KEYS_PREFIX + "*" + DATA_SUFFIX;
  }

  /** The key, under the run folder, where a range's waits for its source are counted ({@code .waits.json}). */
  public static String waitsKey(String label) {
    return EXPORTS + label + ".waits.json";
  }

  /** The key of a full export result, relative to the run folder: {@code _exports/<label>.json}. */
  public static String resultKey(String label) {
    return EXPORTS + label + ".json";
  }

  /** True for a key a slim result may name: relative, under {@link #EXPORTS}, not climbing out of it. */
  public static boolean isResultKey(String key) {
    return key != null && key.startsWith(EXPORTS) && key.length() > EXPORTS.length() && !key.contains("..");
  }

  /** {@code <table folder>/_state.json}: an incremental table's mark and its last full snapshot ({@link TableState}). */
  public String stateKey(RunTable t) {
    return tableFolder(t) + STATE;
  }

  public String manifestKey(RunTable t) {
    return runFolder(t) + MANIFEST;
  }

  public String successKey(RunTable t) {
    return runFolder(t) + SUCCESS;
  }

  /** {@code <table folder>/_latest.json}: the run the table's readers should take. */
  public String latestKey(RunTable t) {
    return tableFolder(t) + LATEST;
  }

  /**
   * Where PlanRun keeps a plan too big for the state machine's payload. {@code planId} is new for
   * every plan, so a re-run of the run id never replaces the plan an earlier execution (perhaps one
   * that is redriven later) reads its ranges from.
   */
  public String planKey(String runDate, String runId, String planId) {
    return plansFolder() + "dt=" + runDate + "/run=" + runId + "/plan-" + planId + ".json";
  }

  /** True for a key {@link #planKey} gives for this run, whatever its plan id. */
  public boolean isPlanKeyOf(String key, String runDate, String runId) {
    String folder = plansFolder() + "dt=" + runDate + "/run=" + runId + "/plan-";
    return key != null && key.startsWith(folder) && key.endsWith(".json") && key.indexOf('/', folder.length()) < 0
        && !key.contains("..");
  }

  /** {@code <prefix>/_plans/}, which a lifecycle rule expires sooner than the data. */
  public String plansFolder() {
    return root + PLANS;
  }

  /**
   * The Data Transfer Service's {@code data_path} for a run of a table:
   * {@code s3://<bucket>/<run folder>part-*.parquet}. It matches the data files only, never the
   * {@code .json} results and markers beside them, nor the key files of a key_diff change set.
   */
  public String dataPath(String bucket, RunTable t) {
    return "s3://" + bucket + "/" + runFolder(t) + DATA_PREFIX + "*" + DATA_SUFFIX;
  }
}
