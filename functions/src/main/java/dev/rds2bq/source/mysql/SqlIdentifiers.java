package dev.rds2bq.source.mysql;

/**
 * Quotes identifiers for MySQL. Only names read back from information_schema reach it, so the
 * quoting is a second line of defence, not the first.
 */
public final class SqlIdentifiers {
  private SqlIdentifiers() {}

  public static String quote(String identifier) {
    return '`' + identifier.replace("`", "``") + '`';
  }
}
