package dev.rds2bq.mask;

import dev.rds2bq.config.PipelineConfig.ValueScanConfig;
import dev.rds2bq.source.SourceColumn;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.ValueSampler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan-time value scan of one table: samples the columns that would be kept without a
 * decision and flags those whose values look personal. Findings say the kind, the hit count and the
 * sample size, never a value.
 */
public final class ValueScan {
  /** Column name → reason, plus what the sample cost. */
  public record Result(Map<String, String> findings, int columns, int rows, boolean budgetExhausted, long millis) {
    public static final Result NONE = new Result(Map.of(), 0, 0, false, 0);
  }

  private ValueScan() {}

  public static Result run(MaskingPolicy policy, ValueScanConfig config, TableSchema schema, ValueSampler sampler) {
    if (!config.enabled()) {
      return Result.NONE;
    }
    List<SourceColumn> columns = policy.valueScanColumns(schema);
    if (columns.isEmpty()) {
      return Result.NONE;
    }
    ColumnValueScan[] scans = new ColumnValueScan[columns.size()];
    for (int i = 0; i < scans.length; i++) {
      scans[i] = new ColumnValueScan(columns.get(i).name());
    }
    ValueSampler.Stats stats = sampler.sample(schema, columns, config.sampleRows(), config.tableSeconds() * 1000L,
        config.maxValueChars(), (i, v) -> scans[i].add(v));
    Map<String, String> findings = new LinkedHashMap<>();
    for (ColumnValueScan s : scans) {
      String f = s.finding(config.minHitRate());
      if (f != null) {
        findings.put(s.column(), f + (stats.budgetExhausted() ? " (the time budget cut the sample)" : ""));
      }
    }
    return new Result(findings, columns.size(), stats.rows(), stats.budgetExhausted(), stats.millis());
  }
}
