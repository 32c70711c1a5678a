package dev.rds2bq.mask;

/**
 * What the value scan saw in one column's sample: how many non-empty values, and how many held
 * each kind of personal value. {@link #finding} applies the threshold (docs/masking.md#value-scan)
 * and never quotes a value.
 */
public final class ColumnValueScan {
  private static final ValueKind[] KINDS = ValueKind.values();

  private final String column;
  private int values;
  private final int[] hits = new int[KINDS.length];
  private final int[] candidates = new int[KINDS.length];
  private final int[] passed = new int[KINDS.length];

  public ColumnValueScan(String column) {
    this.column = column;
  }

  public String column() {
    return column;
  }

  public int values() {
    return values;
  }

  public int hits(ValueKind k) {
    return hits[k.ordinal()];
  }

  public void add(String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    values++;
    PersonalValues.Found f = PersonalValues.find(value);
    for (ValueKind k : KINDS) {
      if (f.has(k)) {
        hits[k.ordinal()]++;
      }
      candidates[k.ordinal()] += f.candidates(k);
      passed[k.ordinal()] += f.passed(k);
    }
  }

  /** The first kind that passes the threshold, or null. */
  public ValueKind flagged(double minHitRate) {
    if (values == 0) {
      return null;
    }
    long needed = Math.max(1, (long) Math.ceil(minHitRate * values - 1e-9));
    for (ValueKind k : KINDS) {
      int h = hits[k.ordinal()];
      // A check digit passes by chance about once in ten: checksummed kinds also need most candidates to pass.
      if (h >= needed && (!k.checksummed() || 2L * passed[k.ordinal()] >= candidates[k.ordinal()])) {
        return k;
      }
    }
    return null;
  }

  /** The reason for an error message: kind, hit count and sample size, never a value. */
  public String finding(double minHitRate) {
    ValueKind k = flagged(minHitRate);
    return k == null ? null : "value scan: " + hits[k.ordinal()] + " of " + values + " sampled values hold "
        + k.description();
  }
}
