package dev.rds2bq.mask;

import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal values in text: pure functions over one value, used by the plan-time value scan
 * on a bounded sample (never in the export's row loop). Each finder searches anywhere in the text,
 * so a free-text note with an address in the middle counts; digits glued to ASCII letters or digits
 * (hex strings, product codes) are not numbers. Full-width digits and symbols are read
 * as their ASCII forms (NFKC) first.
 */
public final class PersonalValues {
  private PersonalValues() {}

  /** Local part, {@code @}, labels of letters, digits and hyphens, a top-level domain of letters. */
  private static final Pattern EMAIL = Pattern.compile(
      "[A-Za-z0-9._%+-]++@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
          + "\\.[A-Za-z]{2,63}(?![A-Za-z0-9-])");
  /** A Japanese number with separators: 03-1234-5678, 090-1234-5678, (03)1234-5678, 0120-123-456. */
  private static final Pattern PHONE_JP = Pattern.compile(
      "(?<![\\w+-])\\(?0\\d{1,4}(?:\\)\\s?|[-\\s]|\\s?\\()\\d{1,4}(?:\\)\\s?|[-\\s])\\d{3,4}(?![\\w-])");
  /** A Japanese number without separators: 10 digits (land line) or 11 (mobile, 050, 0120...). */
  private static final Pattern PHONE_JP_BARE = Pattern.compile("(?<![\\w+-])0[1-9]\\d{8,9}(?![\\w-])");
  /** E.164: {@code +}, a country code and 8 to 15 digits in all, with optional spaces, dots, hyphens. */
  private static final Pattern PHONE_E164 = Pattern.compile(
      "(?<![\\w+])\\+[1-9](?:[\\s.-]?\\(?\\d\\)?){7,14}(?![\\d])");
  private static final Pattern POSTAL_JP = Pattern.compile(
      "(?<![\\w-])(?:〒\\s?)?\\d{3}-\\d{4}(?![\\w-])|〒\\s?\\d{7}(?!\\w)");
  /** 12 to 19 digits, alone or in groups separated by single spaces or hyphens. */
  private static final Pattern DIGIT_RUN = Pattern.compile("(?<![\\w-])\\d(?:[ -]?\\d){11,18}(?![\\w-])");
  private static final Pattern IPV4 = Pattern.compile(
      "(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?!\\w|\\.\\d)");
  private static final Pattern IPV6_CANDIDATE = Pattern.compile(
      "(?<![\\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)(?:\\d{1,3}\\.){3}\\d{1,3})?(?![\\w:])");

  /** Which kinds one value holds, and, for checksummed kinds, the candidates seen and passed. */
  public static final class Found {
    final boolean[] kinds = new boolean[ValueKind.values().length];
    final int[] candidates = new int[ValueKind.values().length];
    final int[] passed = new int[ValueKind.values().length];

    public boolean has(ValueKind k) {
      return kinds[k.ordinal()];
    }

    public int candidates(ValueKind k) {
      return candidates[k.ordinal()];
    }

    public int passed(ValueKind k) {
      return passed[k.ordinal()];
    }
  }

  public static Found find(String value) {
    Found f = new Found();
    if (value == null || value.isEmpty()) {
      return f;
    }
    String s = asciiForms(value);
    f.kinds[ValueKind.EMAIL.ordinal()] = hasEmail(s);
    f.kinds[ValueKind.PHONE.ordinal()] = hasPhone(s);
    f.kinds[ValueKind.POSTAL_CODE.ordinal()] = POSTAL_JP.matcher(s).find();
    f.kinds[ValueKind.IPV4.ordinal()] = IPV4.matcher(s).find();
    f.kinds[ValueKind.IPV6.ordinal()] = hasIpv6(s);
    Matcher m = DIGIT_RUN.matcher(s);
    while (m.find()) {
      String digits = digitsOnly(m.group());
      if (digits.length() == 12) {
        count(f, ValueKind.MY_NUMBER, myNumber(digits));
      } else if (digits.length() >= 13) {
        count(f, ValueKind.CARD_NUMBER, cardNumber(digits));
      }
    }
    return f;
  }

  private static void count(Found f, ValueKind k, boolean pass) {
    f.candidates[k.ordinal()]++;
    if (pass) {
      f.passed[k.ordinal()]++;
      f.kinds[k.ordinal()] = true;
    }
  }

  /** NFKC only when the text has something outside ASCII: full-width digits, ＠, 〒 spacing forms. */
  static String asciiForms(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0x7e) {
        return Normalizer.normalize(value, Normalizer.Form.NFKC);
      }
    }
    return value;
  }

  public static boolean hasEmail(String s) {
    return s.indexOf('@') >= 0 && EMAIL.matcher(s).find();
  }

  public static boolean hasPhone(String s) {
    Matcher m = PHONE_JP.matcher(s);
    while (m.find()) {
      String d = digitsOnly(m.group());
      if ((d.length() == 10 || d.length() == 11) && d.charAt(1) != '0') {
        return true;
      }
    }
    Matcher bare = PHONE_JP_BARE.matcher(s);
    while (bare.find()) {
      String d = bare.group();
      // 11 digits only for the 070/080/090 mobiles and 050 numbers; 10 for land lines and 0120.
      if (d.length() == 10 || d.matches("0[5789]0\\d{8}")) {
        return true;
      }
    }
    return s.indexOf('+') >= 0 && PHONE_E164.matcher(s).find();
  }

  public static boolean hasIpv6(String s) {
    if (s.indexOf(':') < 0) {
      return false;
    }
    Matcher m = IPV6_CANDIDATE.matcher(s);
    while (m.find()) {
      if (ipv6(m.group())) {
        return true;
      }
    }
    return false;
  }

  /** A full IPv6 address: 8 groups of 1-4 hex digits, or fewer with one {@code ::}; an IPv4 tail counts as 2. */
  public static boolean ipv6(String text) {
    String s = text;
    int groups = 0;
    if (s.indexOf('.') >= 0) {
      int lastColon = s.lastIndexOf(':');
      if (lastColon < 0 || !IPV4.matcher(s.substring(lastColon + 1)).matches()) {
        return false;
      }
      groups = 2;
      s = s.substring(0, lastColon + 1);
      if (!s.endsWith("::")) {
        s = s.substring(0, s.length() - 1);
      }
    }
    int gap = s.indexOf("::");
    if (gap >= 0) {
      if (s.indexOf("::", gap + 1) >= 0) {
        return false;
      }
      int left = hexGroups(s.substring(0, gap));
      int right = hexGroups(s.substring(gap + 2));
      if (left < 0 || right < 0) {
        return false;
      }
      groups += left + right;
      return groups >= 1 && groups <= 7;
    }
    int all = hexGroups(s);
    return all >= 0 && groups + all == 8;
  }

  /** Groups of 1-4 hex digits separated by single colons; 0 for "", -1 when malformed. */
  private static int hexGroups(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    String[] parts = s.split(":", -1);
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 4) {
        return -1;
      }
      for (int i = 0; i < p.length(); i++) {
        if (Character.digit(p.charAt(i), 16) < 0) {
          return -1;
        }
      }
    }
    return parts.length;
  }

  /** The Luhn check and a length and prefix of a card brand (Visa, Mastercard, Amex, JCB, Diners, Discover, UnionPay). */
  public static boolean cardNumber(String digits) {
    int n = digits.length();
    if (n < 13 || n > 19 || !luhn(digits)) {
      return false;
    }
    int p2 = Integer.parseInt(digits.substring(0, 2));
    int p4 = Integer.parseInt(digits.substring(0, 4));
    return (digits.charAt(0) == '4' && (n == 13 || n == 16 || n == 19))
        || ((p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) && n == 16)
        || ((p2 == 34 || p2 == 37) && n == 15)
        || (p4 >= 3528 && p4 <= 3589 && n >= 16)
        || ((p2 == 36 || p2 == 38 || p2 == 30 || p2 == 39) && n >= 14)
        || ((p4 == 6011 || p2 == 65 || p2 == 64) && n >= 16)
        || (p2 == 62 && n >= 16);
  }

  public static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /**
   * The check digit of a My Number (個人番号), 12 digits: the 11 digits weighted from the right by
   * 2..7 then 2..6, the sum taken modulo 11; a remainder of 0 or 1 gives 0, any other r gives 11 - r.
   */
  public static boolean myNumber(String digits) {
    if (digits.length() != 12) {
      return false;
    }
    int sum = 0;
    for (int n = 1; n <= 11; n++) {
      int p = digits.charAt(11 - n) - '0';
      int q = n <= 6 ? n + 1 : n - 5;
      sum += p * q;
    }
    int r = sum % 11;
    int check = r <= 1 ? 0 : 11 - r;
    return digits.charAt(11) - '0' == check;
  }

  private static String digitsOnly(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        b.append(c);
      }
    }
    return b.toString();
  }
}
