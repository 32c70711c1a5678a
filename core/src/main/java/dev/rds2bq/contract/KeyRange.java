package dev.rds2bq.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A half-open primary-key range {@code [lo, hi)} over the first key column; a null bound is open.
 * {@code column} may be left out (the plan leaves it out to keep the payload small); when given it
 * must name the first primary-key column.
 * Bounds travel as text so that unsigned BIGINT and string keys lose nothing. {@code id} numbers the
 * range within its table and names its files.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyRange(int id, String column, String lo, String hi) {
  public String label() {
    return String.format("%05d", id);
  }
}
