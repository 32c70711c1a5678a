package dev.rds2bq.mask;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides which column names look personal. Patterns are regular expressions found anywhere in the
 * name after it is lower-cased and camelCase is split with underscores ({@code birthDate} is
 * {@code birth_date}), so {@code (^|_)ip(_|$)} matches {@code ip} and {@code client_ip} but not
 * {@code zip} or {@code description}.
 */
public final class PersonalDataDetector {
  public static final List<String> DEFAULT_PATTERNS = List.of(
      "name",
      "kana",
      "furigana",
      "mail",
      "phone",
      "(^|_)tel(_|$)",
      "mobile",
      "(^|_)fax(_|$)",
      "birth",
      "gender",
      "(^|_)sex(_|$)",
      "location",
      "(^|_)dob(_|$)",
      "address",
      "(^|_)addr",
      "postal",
      "(^|_)zip(_|code|$)",
      "postcode",
      "(^|_)ip(_|$)",
      "ip_?addr",
      "passw",
      "token",
      "secret",
      "(^|_)ssn(_|$)",
      "my_?number",
      "passport",
      "licen[cs]e",
      "card_?(no|num)",
      "(^|_)iban(_|$)",
      "account_?(no|num)",
      "latitude",
      "longitude",
      "(^|_)lat(_|$)",
      "(^|_)lng(_|$)",
      "(^|_)lon(_|$)");

  private final List<Pattern> patterns;
  private final List<String> sources;

  public PersonalDataDetector(List<String> regexes) {
    this.sources = List.copyOf(regexes);
    this.patterns = regexes.stream().map(Pattern::compile).toList();
  }

  public List<String> patterns() {
    return sources;
  }

  /** The first pattern the name matches, or null when it does not look personal. */
  public String match(String columnName) {
    String normalized = normalize(columnName);
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i).matcher(normalized).find()) {
        return sources.get(i);
      }
    }
    return null;
  }

  static String normalize(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
