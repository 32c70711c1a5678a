package dev.rds2bq.mask;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The masking policies a column can have (docs/masking.md). */
public enum MaskKind {
  KEEP,
  DROP,
  HASH,
  AGE_BAND,
  YEAR,
  YEAR_MONTH,
  REDACT,
  EMAIL_DOMAIN;

  public String policyName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static MaskKind parse(String name) {
    for (MaskKind k : values()) {
      if (k.policyName().equals(name)) {
        return k;
      }
    }
    return null;
  }

  public static String allNames() {
    return Arrays.stream(values()).map(MaskKind::policyName).collect(Collectors.joining(", "));
  }
}
