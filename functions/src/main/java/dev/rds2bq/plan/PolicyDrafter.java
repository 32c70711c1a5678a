package dev.rds2bq.plan;

import dev.rds2bq.config.PipelineConfig.ValueScanConfig;
import dev.rds2bq.mask.MaskingPolicy;
import dev.rds2bq.mask.PolicyDraft;
import dev.rds2bq.mask.ValueScan;
import dev.rds2bq.source.MySqlValueSampler;
import dev.rds2bq.source.SchemaReader;
import dev.rds2bq.source.SourceConnector;
import dev.rds2bq.source.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes a starting masking policy for whole databases: each base table's schema read, its columns
 * run through the same detection as a plan (names, comments, generation expressions and the bounded
 * value scan), and a draft rule per column with the reason.
 */
public final class PolicyDrafter {
  private final SourceConnector connector;
  private final ValueScanConfig valueScan;

  public PolicyDrafter(SourceConnector connector, ValueScanConfig valueScan) {
    this.connector = connector;
    this.valueScan = valueScan;
  }

  /** The draft as YAML, with {@code header} as its opening comment. */
  public String draft(List<String> databases, String header) {
    // No rules: every column is judged by the detectors alone, and every text column is scanned.
    MaskingPolicy none = MaskingPolicy.parse("(none)", "databases: {}");
    PolicyDraft draft = new PolicyDraft(none);
    for (String db : databases) {
      try (Connection c = connector.open(db)) {
        SchemaReader reader = new SchemaReader(c);
        for (String table : reader.baseTables(db)) {
          TableSchema schema = reader.read(db, table);
          ValueScan.Result scan = ValueScan.run(none, valueScan, schema, new MySqlValueSampler(c));
          draft.add(schema, scan.findings());
        }
      } catch (SQLException e) {
        throw connector.translate(e, db);
      }
    }
    return draft.yaml(header);
  }
}
