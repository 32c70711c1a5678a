package dev.rds2bq.mask;

/**
 * The kinds of personal value the plan-time value scan looks for (docs/masking.md#value-scan).
 * {@code checksummed} kinds carry a check digit, which one random number in about ten passes: over a
 * sample they count only when most of their candidates pass.
 */
public enum ValueKind {
  EMAIL("an e-mail address", false),
  PHONE("a phone number (Japanese format or E.164)", false),
  POSTAL_CODE("a Japanese postal code", false),
  CARD_NUMBER("a payment card number (Luhn-checked)", true),
  MY_NUMBER("a My Number (check digit valid)", true),
  IPV4("an IPv4 address", false),
  IPV6("an IPv6 address", false);

  private final String description;
  private final boolean checksummed;

  ValueKind(String description, boolean checksummed) {
    this.description = description;
    this.checksummed = checksummed;
  }

  public String description() {
    return description;
  }

  public boolean checksummed() {
    return checksummed;
  }
}
