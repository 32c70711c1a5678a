package dev.rds2bq.bench;

import dev.rds2bq.config.DatabaseSecret;
import dev.rds2bq.config.PipelineConfig;
import dev.rds2bq.localstack.DemoData;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.mask.ValueScan;
import dev.rds2bq.plan.PlanInput;
import dev.rds2bq.plan.RunPlanner;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.TableSize;
import dev.rds2bq.source.mysql.MySqlSource;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.testing.LocalStack;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What detection adds to a plan: PlanRun over Sakila and the demo healthapp with the demo policy,
 * the value scan off (name, comment and generated-column detection only) against on (the default),
 * runs interleaved so that the shared machine's noise hits both alike; medians and their ratio.
 * Arguments: healthapp users (its other tables scale with it), then runs per setting, e.g.
 * {@code 2000 9}.
 */
public final class DetectionBenchmark {
  record Figure(String setting, double medianMs, int tables) {}

  public static void main(String[] args) throws Exception {
    long users = args.length > 0 ? Long.parseLong(args[0]) : 2_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    System.out.println(ExportBenchmark.machine());
    run(LocalStack.get(), users, runs, System.out);
    System.exit(0);
  }

  public static List<Figure> run(LocalStack stack, long users, int runs, PrintStream out) throws Exception {
    stack.sakila();
    DemoData.Sizes sizes = new DemoData.Sizes(users, users * 25, users * 5);
    DemoData.createHealthApp(stack.mysql, DemoData.HEALTHAPP, sizes);
    String bucket = stack.bucket("detect-bench");
    MaskingPolicy policy = MaskingPolicy.parse("demo/masking.yaml", LocalStack.demoPolicy());
    RunPlanner off = planner(stack, bucket, policy, "false");
    RunPlanner on = planner(stack, bucket, policy, "true");
    off.plan(PlanInput.empty()); // warm-up: class loading, JIT, server caches
    on.plan(PlanInput.empty());
    double[] offMs = new double[runs];
    double[] onMs = new double[runs];
    int tables = 0;
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      tables = off.plan(PlanInput.empty()).tableCount();
      long t1 = System.nanoTime();
      on.plan(PlanInput.empty());
      long t2 = System.nanoTime();
      offMs[i] = (t1 - t0) / 1e6;
      onMs[i] = (t2 - t1) / 1e6;
    }
    // What the scan reads, counted once.
    PipelineConfig config = LocalStack.config(bucket, "databases: [healthapp, sakila]\n");
    Source connector = new MySqlSource(DatabaseSecret.parse("b", stack.mysql.secretJson("sakila")), config.source());
    int scannedTables = 0;
    int columns = 0;
    long rows = 0;
    for (String db : List.of("healthapp", "sakila")) {
      try (SourceCatalog c = connector.catalog(db)) {
        for (TableSize t : c.tables()) {
          TableSchema schema = c.table(t.name());
          ValueScan.Result r = ValueScan.run(policy, config.masking().valueScan(), schema, c);
          if (r.columns() > 0) {
            scannedTables++;
            columns += r.columns();
            rows += r.rows();
          }
        }
      }
    }
    double medOff = median(offMs);
    double medOn = median(onMs);
    out.printf("plan of sakila + healthapp (%d users, %d step logs, %d meals): %d tables, %d runs per setting, medians%n",
        sizes.users(), sizes.stepLogs(), sizes.meals(), tables, runs);
    out.printf("  a  value scan off (names, comments, generated columns) %8.1f ms%n", medOff);
    out.printf("  b  value scan on (default)                             %8.1f ms   %.2fx a, +%.1f ms;"
        + " %d columns of %d tables, %d rows sampled%n", medOn, medOn / medOff, medOn - medOff, columns,
        scannedTables, rows);
    return List.of(new Figure("off", medOff, tables), new Figure("on", medOn, tables));
  }

  private static RunPlanner planner(LocalStack stack, String bucket, MaskingPolicy policy, String scan) {
    PipelineConfig config = LocalStack.config(bucket, "databases: [healthapp, sakila]\n"
        + "masking: {policyFile: m.yaml, valueScan: {enabled: " + scan + "}}\n");
    return new RunPlanner(config, new MySqlSource(DatabaseSecret.parse("b", stack.mysql.secretJson("sakila")),
        config.source()), policy, stack.store(bucket), Clock.systemUTC());
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
