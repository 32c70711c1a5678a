package dev.rds2bq.mask;

/**
 * One column's policy. {@code constant} is the replacement of {@code redact} (null writes NULL);
 * {@code lowercase} normalizes text before {@code hash} so that joins ignore case.
 */
public record MaskRule(MaskKind kind, String constant, boolean lowercase) {
  public static final MaskRule KEEP = new MaskRule(MaskKind.KEEP, null, false);
  public static final MaskRule DROP = new MaskRule(MaskKind.DROP, null, false);

  public static MaskRule of(MaskKind kind) {
    return new MaskRule(kind, null, false);
  }

  /**
   * What a rule does to the values, for the BigQuery column description, from its {@link #canonical}
   * form as export results carry it; null for {@code keep} and {@code drop}.
   */
  public static String describe(String canonical) {
    return switch (canonical.replaceAll("\\(.*", "")) {
      case "hash" -> "masked: HMAC-SHA256 of the value, hex"
          + (canonical.contains("lowercase") ? ", after trim and lower-case" : "");
      case "age_band" -> "masked: age band (decade) from the birthday at the run date";
      case "year" -> "masked: truncated to January 1st of the year";
      case "year_month" -> "masked: truncated to the first day of the month";
      case "redact" -> "masked: redacted";
      case "email_domain" -> "masked: e-mail domain only";
      default -> null;
    };
  }

  /** A stable text form, part of the policy fingerprint. */
  public String canonical() {
    StringBuilder sb = new StringBuilder(kind.policyName());
    if (kind == MaskKind.REDACT) {
      sb.append(constant == null ? "(null)" : "(\"" + constant.replace("\"", "\\\"") + "\")");
    }
    if (lowercase) {
      sb.append("(lowercase)");
    }
    return sb.toString();
  }
}
