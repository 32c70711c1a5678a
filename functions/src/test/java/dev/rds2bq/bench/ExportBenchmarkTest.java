package dev.rds2bq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark from rotting: every path runs once on a small table. No timing is asserted. */
class ExportBenchmarkTest {
  @Test
  void everyPathRunsAndPrintsItsFigures() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<ExportBenchmark.Figure> figures = ExportBenchmark.run(LocalStack.get(), 3_000, 1,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(8, figures.stream().filter(f -> f.table().equals("users")).count(), out);
    assertEquals(4, figures.stream().filter(f -> f.table().equals("wide")).count(), out);
    assertTrue(out.contains("load receipts: export time with/without"), out);
    assertTrue(figures.stream().allMatch(f -> f.rows() == 3_000 && f.seconds() > 0), out);
    assertTrue(out.contains("a  streaming read (ceiling)") && out.contains("vs (a)") && out.contains("cap"), out);
    assertTrue(out.contains("== wide: 3,000 rows, 26 columns"), out);
  }

  @Test
  void thePostgresBenchmarkRunsEveryPathOfBothEngines() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<ExportBenchmark.Figure> figures = PostgresExportBenchmark.run(LocalStack.get(), 3_000, 1,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(5, figures.size(), out);
    assertTrue(figures.stream().allMatch(f -> f.rows() == 3_000 && f.seconds() > 0), out);
    assertTrue(out.contains("pg    a  cursor read") && out.contains("vs MySQL b"), out);
  }

  @Test
  void theRangeBenchmarkRunsEachWorkerCount() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<RangeBenchmark.Figure> figures = RangeBenchmark.run(LocalStack.get(), 4_000, new int[] {1, 2},
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(2, figures.size(), bytes.toString(StandardCharsets.UTF_8));
    assertTrue(figures.get(1).ranges() >= 2, "two workers get two ranges");
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("speedup"));
  }

  @Test
  void theDetectionBenchmarkPlansWithAndWithoutTheValueScan() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<DetectionBenchmark.Figure> figures = DetectionBenchmark.run(LocalStack.get(), 200, 1,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(2, figures.size(), out);
    assertTrue(figures.stream().allMatch(f -> f.tables() == 20 && f.medianMs() > 0), out);
    assertTrue(out.contains("value scan on (default)") && out.contains("rows sampled"), out);
  }
}
