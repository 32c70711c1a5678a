package dev.rds2bq.mask;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides which column names and column comments look personal. Both go through the same
 * normalization before the patterns are searched in them: NFKC (full-width {@code ＴＥＬ} is
 * {@code tel}, half-width {@code ｶﾅ} is {@code カナ}), camelCase and letter-to-digit steps split with
 * underscores ({@code birthDate} is {@code birth_date}, {@code tel01} is {@code tel_01}), lower
 * case, and every run of other characters (spaces, hyphens, punctuation) as one underscore. So
 * {@code (^|_)tel(_|$)} matches {@code tel}, {@code tel1} and {@code home_tel} but not {@code hotel}.
 */
public final class PersonalDataDetector {
  public static final List<String> DEFAULT_PATTERNS = List.of(
      "name",
      "kana",
      "furigana",
      "(^|_)(sei|mei)(_|$)",
      "shimei",
      "mail",
      "phone",
      "(^|_)tel(_|$)",
      "mobile",
      "(^|_)fax(_|$)",
      "denwa",
      "keitai",
      "birth",
      "tanjo",
      "gender",
      "(^|_)sex(_|$)",
      "location",
      "(^|_)dob(_|$)",
      "address",
      "(^|_)addr",
      "postal",
      "(^|_)zip(_|code|$)",
      "postcode",
      "(^|_)pref(ecture)?(_|$)",
      "ju_?u?sho",
      "yu_?u?bin",
      "(^|_)ip(_|$)",
      "ip_?addr",
      "(^|_)ipv(_|$)",
      "passw",
      "token",
      "secret",
      "(^|_)ssn(_|$)",
      "my_?number",
      "passport",
      "licen[cs]e",
      "card_?(no|num)",
      "credit_?card",
      "(^|_)(cvv|cvc)(_|$)",
      "(^|_)iban(_|$)",
      "account_?(no|num)",
      "latitude",
      "longitude",
      "(^|_)lat(_|$)",
      "(^|_)lng(_|$)",
      "(^|_)lon(_|$)",
      "氏名",
      "名前",
      "姓名",
      "カナ",
      "かな",
      "フリガナ",
      "ふりがな",
      "電話",
      "携帯",
      "ファクス|ファックス",
      "住所",
      "郵便",
      "〒",
      "都道府県",
      "生年月日",
      "誕生日",
      "メール",
      "アドレス",
      "性別",
      "口座",
      "マイナンバー",
      "個人番号",
      "パスワード",
      "暗証",
      "クレジット",
      "カード番号",
      "免許",
      "旅券|パスポート",
      "保険証",
      "緯度|経度");

  private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern LETTER_DIGIT = Pattern.compile("(\\p{L})(\\p{N})");
  private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}〒]+");

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
    return firstMatch(normalize(columnName));
  }

  /** The first pattern the column comment matches, or null (also for no comment). */
  public String matchComment(String comment) {
    return comment == null || comment.isBlank() ? null : firstMatch(normalize(comment));
  }

  private String firstMatch(String normalized) {
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i).matcher(normalized).find()) {
        return sources.get(i);
      }
    }
    return null;
  }

  static String normalize(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
    s = CAMEL.matcher(s).replaceAll("$1_$2");
    s = LETTER_DIGIT.matcher(s).replaceAll("$1_$2");
    s = s.toLowerCase(Locale.ROOT);
    s = SEPARATORS.matcher(s).replaceAll("_");
    return s;
  }
}
