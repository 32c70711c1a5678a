package dev.rds2bq.source;

import java.util.List;

/**
 * Values of a table's first primary-key column that cut it into ranges of similar size, strictly
 * increasing in the key's own order, as text ({@code KeyRange} bounds); {@code method} says how they
 * were found, for the plan's note (e.g. {@code estimated}, {@code scanned}).
 */
public record KeyBoundaries(List<String> values, String method) {
  public KeyBoundaries {
    values = List.copyOf(values);
  }
}
