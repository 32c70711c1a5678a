package dev.rds2bq.source;

import java.util.List;

/**
 * A database engine the pipeline reads from, in three small roles (docs/sources.md): metadata and
 * splits ({@link SourceCatalog}), and the rows of one table or key range inside one consistent
 * read-only snapshot ({@link SourceSnapshot}, {@link RowStream}). Everything crossing it is the
 * shared model (tables, {@link SourceColumn}s, key ranges, row batches) and the project's error
 * classes: no SQL, no driver type, no engine setting reaches the plan, export or publish code. One
 * engine is one package: MySQL is {@code dev.rds2bq.source.mysql}.
 */
public interface Source {
  /**
   * The catalog of one database, read outside any snapshot: what PlanRun reads. Close it when done;
   * it holds one connection for all the tables asked of it.
   */
  SourceCatalog catalog(String database);

  /**
   * A consistent, read-only snapshot of one database: everything read through it sees the database
   * as of one moment. Close it when done.
   */
  SourceSnapshot snapshot(String database);

  /** The databases (schemas) the login can see, e.g. to check the names a masking policy uses. */
  List<String> databases();

  /** Where the source is, for messages: host and port, never the login. */
  String endpoint();

  /**
   * Whether the server refuses writes (a read replica, a cluster's reader), and what showed it:
   * PlanRun refuses a writable source unless its config allows it (docs/sources.md).
   */
  ReadOnly readOnly();

  /** @param evidence what the server answered, for messages, e.g. {@code @@read_only = 0} */
  record ReadOnly(boolean readOnly, String evidence) {}
}
