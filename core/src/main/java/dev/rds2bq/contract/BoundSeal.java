package dev.rds2bq.contract;

import java.util.function.UnaryOperator;

/**
 * Seals the key-range bounds of a table whose primary-key column is masked, so that the raw key
 * values a plan splits on never sit readable in the bucket (docs/data-contract.md#sealed-bounds).
 * PlanRun seals each bound of such a plan under a data key of its own; ExportTable opens them. A
 * null bound (an open end of the key space) carries no value and stays null.
 */
public interface BoundSeal {
  /** The prefix of a sealed bound in a stored plan. */
  String PREFIX = "sealed:";

  /** A new data key for one plan: its encrypted form, kept in the plan, and the sealing function. */
  Sealing start();

  /** The function that opens the bounds sealed under {@code sealedKey} (a plan's {@code boundsKey}). */
  UnaryOperator<String> opener(String sealedKey);

  record Sealing(String sealedKey, UnaryOperator<String> seal) {}

  static boolean isSealed(String bound) {
    return bound != null && bound.startsWith(PREFIX);
  }
}
