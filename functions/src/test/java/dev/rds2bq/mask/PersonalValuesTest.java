package dev.rds2bq.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The value scan's finders, one kind at a time, on values that hold it and values that only look close. */
class PersonalValuesTest {
  private static void holds(ValueKind kind, String... values) {
    for (String v : values) {
      assertTrue(PersonalValues.find(v).has(kind), kind + " in: " + v);
    }
  }

  private static void lacks(ValueKind kind, String... values) {
    for (String v : values) {
      assertFalse(PersonalValues.find(v).has(kind), "no " + kind + " in: " + v);
    }
  }

  @Test
  void emailAddressesAnywhereInText() {
    holds(ValueKind.EMAIL, "ann@example.com", "連絡先は ann.smith+x@mail.example.co.jp です", "Ann <ANN@EXAMPLE.ORG>",
        "{\"contact\": \"bob@example.net\"}", "ａｎｎ＠ｅｘａｍｐｌｅ．ｃｏｍ");
    lacks(ValueKind.EMAIL, "user@localhost", "@handle", "a@b", "price 3@5.00", "ann at example dot com", "x@y.1");
  }

  @Test
  void japanesePhoneNumbersAndE164() {
    holds(ValueKind.PHONE, "090-1234-5678", "03-1234-5678", "(03)1234-5678", "03(1234)5678", "0120-123-456",
        "携帯 09012345678 まで", "0312345678", "+81 90-1234-5678", "+81-3-1234-5678", "+14155552671",
        "TEL：０９０－１２３４－５６７８", "call +44 20 7946 0958 now");
    lacks(ValueKind.PHONE, "2024-05-01", "order 12345678", "001-234-5678", "version 1.2.3", "1234-5678-9012",
        "+1234", "0000012345", "08012345678901", "ID 12-3456-7890");
  }

  @Test
  void japanesePostalCodes() {
    holds(ValueKind.POSTAL_CODE, "〒100-0001", "100-0001 東京都千代田区", "〒1000001", "〒 150-0002");
    lacks(ValueKind.POSTAL_CODE, "090-1234-5678", "1000001", "2024-0101-01", "12-3456", "1234-567");
  }

  @Test
  void cardNumbersNeedLuhnAndABrand() {
    holds(ValueKind.CARD_NUMBER, "4111 1111 1111 1111", "5500-0000-0000-0004", "340000000000009", "3530111333300000",
        "カード 4012888888881881 で支払い");
    lacks(ValueKind.CARD_NUMBER, "4111 1111 1111 1112", "1234567890123456", "9999999999999995", "41111111111");
    assertTrue(PersonalValues.luhn("79927398713"));
    assertFalse(PersonalValues.luhn("79927398710"));
  }

  @Test
  void myNumberNeedsItsCheckDigit() {
    holds(ValueKind.MY_NUMBER, "123456789018", "1234 5678 9018", "個人番号: 1234-5678-9018");
    lacks(ValueKind.MY_NUMBER, "123456789012", "123456789010", "12345678901", "1234567890180");
    int valid = 0;
    Random r = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int d = 0; d < 12; d++) {
        b.append(r.nextInt(10));
      }
      valid += PersonalValues.myNumber(b.toString()) ? 1 : 0;
    }
    // One random number in about ten passes a check digit: why a column needs most candidates to pass.
    assertTrue(valid > 600 && valid < 1400, "random 12-digit numbers passing: " + valid);
  }

  @Test
  void ipAddresses() {
    holds(ValueKind.IPV4, "10.0.0.1", "login from 203.0.113.45.", "ip=192.168.1.254;");
    lacks(ValueKind.IPV4, "1.2.3", "256.1.1.1", "1.2.3.4.5", "v10.0.0.1.2", "3.14159");
    holds(ValueKind.IPV6, "2001:db8::1", "fe80::1ff:fe23:4567:890a", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "::ffff:192.0.2.128", "[2001:db8:0:1::5]:443", "::1");
    lacks(ValueKind.IPV6, "12:30:45", "00:1A:2B:3C:4D:5E", "std::vector", "a:b", "1:2:3:4:5:6:7:8:9", "2001:db8:::1",
        "::");
    assertTrue(PersonalValues.ipv6("1:2:3:4:5:6:7:8"));
    assertFalse(PersonalValues.ipv6("1:2:3:4:5:6:7"));
  }

  @Test
  void plainTextHoldsNothing() {
    PersonalValues.Found f = PersonalValues.find(
        "A Epic Drama of a Feminist And a Mad Scientist who must Battle a Teacher in The Canadian Rockies, 2006 12:30");
    for (ValueKind k : ValueKind.values()) {
      assertFalse(f.has(k), k.name());
    }
  }

  @Test
  void hexDigestsAndCodesAreNotNumbers() throws Exception {
    java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
    for (int i = 0; i < 3000; i++) {
      String hex = java.util.HexFormat.of().formatHex(md5.digest(Integer.toString(i).getBytes()));
      PersonalValues.Found f = PersonalValues.find(hex.repeat(3));
      for (ValueKind k : ValueKind.values()) {
        assertFalse(f.has(k), k + " in " + hex);
      }
    }
    lacks(ValueKind.PHONE, "SKU0312345678", "a09012345678b");
    lacks(ValueKind.POSTAL_CODE, "A100-0001", "item-100-0001");
  }

  @Test
  void columnScanAppliesTheThresholdAndNeverQuotesAValue() {
    ColumnValueScan memo = new ColumnValueScan("memo");
    for (int i = 0; i < 1000; i++) {
      memo.add(i % 100 == 0 ? "call me at secret.person" + i + "@example.com" : "nothing here " + i);
    }
    String finding = memo.finding(0.005);
    assertEquals("value scan: 10 of 1000 sampled values hold an e-mail address", finding);
    assertFalse(finding.contains("secret.person"));
    assertNull(memo.finding(0.02), "1 % of the values is under a 2 % threshold");

    ColumnValueScan codes = new ColumnValueScan("order_no");
    Random r = new Random(7);
    for (int i = 0; i < 1000; i++) {
      codes.add(String.format("%012d", Math.floorMod(r.nextLong(), 1_000_000_000_000L)));
    }
    assertTrue(codes.hits(ValueKind.MY_NUMBER) > 50, "random numbers pass the check digit about one time in ten");
    assertNull(codes.finding(0.005), "but a column of random numbers is not a column of My Numbers");

    ColumnValueScan numbers = new ColumnValueScan("kojin_bango_memo");
    for (String v : List.of("123456789018", "", "  ", "123456789018")) {
      numbers.add(v);
    }
    assertEquals(2, numbers.values(), "blank values are not counted");
    assertEquals("value scan: 2 of 2 sampled values hold a My Number (check digit valid)", numbers.finding(0.005));
  }
}
