package dev.rds2bq.export;

import dev.rds2bq.contract.ExportRequest;

/** Hears an export's progress at doubling row counts (10k, 20k, 40k, ...), never per row. */
@FunctionalInterface
public interface ExportListener {
  ExportListener NONE = (request, rows) -> {};

  void progress(ExportRequest request, long rows);
}
