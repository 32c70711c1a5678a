package dev.rds2bq.load;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One table's result from the export-and-publish part of the state machine
 * (docs/state-machine.md): {@code status} PUBLISHED with the PublishTable output, or FAILED.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableOutcome(String source, String database, String table, String status, Published publish) {
  public static final String PUBLISHED = "PUBLISHED";

  /** A table of the config's single {@code source}. */
  public TableOutcome(String database, String table, String status, Published publish) {
    this(null, database, table, status, publish);
  }

  /** {@code database.table}, or {@code source.database.table} for a named source: for messages. */
  public String qualifiedName() {
    return (source == null ? "" : source + ".") + database + "." + table;
  }

  /** The part of PublishTable's output the load reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Published(String manifestKey, long rows, int files) {}

  public boolean published() {
    return PUBLISHED.equals(status) && publish != null && publish.manifestKey() != null;
  }
}
