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
