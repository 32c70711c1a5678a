package dev.rds2bq.plan;

import dev.rds2bq.config.PipelineConfig.ValueScanConfig;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.mask.PolicyDraft;
import dev.rds2bq.mask.ValueScan;
import dev.rds2bq.source.Source;
import dev.rds2bq.source.SourceCatalog;
import dev.rds2bq.source.TableSchema;
import dev.rds2bq.source.TableSize;
import java.util.List;

/**
 * Writes a starting masking policy for whole databases: each base table's schema read, its columns
 * run through the same detection as a plan (names, comments, generation expressions and the bounded
 * value scan), and a draft rule per column with the reason.
 */
public final class PolicyDrafter {
  private final Source source;
  private final ValueScanConfig valueScan;

  public PolicyDrafter(Source source, ValueScanConfig valueScan) {
    this.source = source;
    this.valueScan = valueScan;
  }

  /** The draft as YAML, with {@code header} as its opening comment. */
  public String draft(List<String> databases, String header) {
    // No rules: every column is judged by the detectors alone, and every text column is scanned.
    MaskingPolicy none = MaskingPolicy.parse("(none)", "databases: {}");
    PolicyDraft draft = new PolicyDraft(none);
    for (String db : databases) {
      try (SourceCatalog catalog = source.catalog(db)) {
        for (TableSize table : catalog.tables()) {
          TableSchema schema = catalog.table(table.name());
          ValueScan.Result scan = ValueScan.run(none, valueScan, schema, catalog);
          draft.add(schema, scan.findings());
        }
      }
    }
    return draft.yaml(header);
  }
}
