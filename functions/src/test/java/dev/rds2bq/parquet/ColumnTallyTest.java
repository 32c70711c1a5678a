package dev.rds2bq.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rds2bq.contract.ColumnReceipt;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;

/** The receipt figures as the writers' values arrive: sums past a long, wide decimals, the key checksum. */
class ColumnTallyTest {
  @Test
  void anIntegerSumPastLongMaxIsKeptExactly() {
    ColumnTally t = new ColumnTally("n", "INT64", ColumnTally.Kind.INTEGER, 0, false);
    t.add(Long.MAX_VALUE);
    t.add(Long.MAX_VALUE);
    t.add(-5L);
    ColumnReceipt r = t.receipt(4);
    assertEquals(BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.TWO).subtract(BigInteger.valueOf(5)).toString(),
        r.sum());
    assertEquals("-5", r.min());
    assertEquals(1, r.nulls(), "four rows, three values");
  }

  @Test
  void decimalsKeepTheirScaleWhetherWrittenAsLongsOrBytes() {
    ColumnTally narrow = new ColumnTally("a", "NUMERIC", ColumnTally.Kind.DECIMAL, 2, false);
    narrow.add(1250L);
    narrow.add(-99L);
    assertEquals("11.51", narrow.receipt(2).sum());
    assertEquals("-0.99", narrow.receipt(2).min());
    ColumnTally wide = new ColumnTally("b", "NUMERIC", ColumnTally.Kind.DECIMAL, 9, false);
    wide.add(Binary.fromConstantByteArray(new BigInteger("12345678901234567890123").toByteArray()));
    wide.add(Binary.fromConstantByteArray(new BigInteger("-1000000000").toByteArray()));
    ColumnReceipt r = wide.receipt(2);
    assertEquals("12345678901234.567890123", r.max());
    assertEquals("-1", r.min());
    assertEquals("12345678901233.567890123", r.sum());
  }

  @Test
  void theKeyChecksumIsTheXorOfMd5PrefixesOfTheValuesText() throws Exception {
    ColumnTally ints = new ColumnTally("id", "INT64", ColumnTally.Kind.INTEGER, 0, true);
    ColumnTally text = new ColumnTally("code", "STRING", ColumnTally.Kind.TEXT, 0, true);
    long expected = 0;
    for (long v : List.of(1L, -42L, Long.MIN_VALUE, 1234567890123L)) {
      ints.add(v);
      expected ^= prefix(Long.toString(v));
    }
    assertEquals(expected, ints.receipt(4).keyChecksum());
    text.add(Binary.fromConstantByteArray("至急".getBytes(StandardCharsets.UTF_8)));
    assertEquals(prefix("至急"), text.receipt(1).keyChecksum());
    assertEquals(6L, text.receipt(1).bytes());
    assertNull(new ColumnTally("x", "STRING", ColumnTally.Kind.TEXT, 0, false).receipt(0).keyChecksum());
  }

  /** PostgreSQL's real and double hold NaN and ±Infinity: NaN is counted apart, infinities are values. */
  @Test
  void nanIsCountedApartFromTheMinimumAndMaximum() {
    ColumnTally a = new ColumnTally("d", "FLOAT64", ColumnTally.Kind.FLOAT, 0, false);
    a.add(Double.NaN);
    a.add(Double.POSITIVE_INFINITY);
    a.add(-2.5);
    ColumnReceipt r = a.receipt(4);
    assertEquals("-2.5", r.min());
    assertEquals("Infinity", r.max());
    assertEquals(1L, r.nans());
    ColumnTally onlyNan = new ColumnTally("d", "FLOAT64", ColumnTally.Kind.FLOAT, 0, false);
    onlyNan.add(Float.NaN);
    assertNull(onlyNan.receipt(1).min(), "no value but NaN: no minimum, as MIN over NULLs in the query");
    ColumnReceipt both = ColumnReceipt.combine(List.of(List.of(r), List.of(onlyNan.receipt(1)))).get(0);
    assertEquals(2L, both.nans());
    assertEquals("-2.5", both.min());
    assertNull(new ColumnTally("n", "INT64", ColumnTally.Kind.INTEGER, 0, false).receipt(0).nans());
  }

  @Test
  void rangesCombineIntoTheTablesReceipt() {
    ColumnTally a = new ColumnTally("t", "TIMESTAMP", ColumnTally.Kind.TIMESTAMP, 0, false);
    a.add(5_000_000L);
    ColumnTally b = new ColumnTally("t", "TIMESTAMP", ColumnTally.Kind.TIMESTAMP, 0, false);
    b.add(10_000_000L);
    b.add(900_000L);
    ColumnReceipt both = ColumnReceipt.combine(List.of(List.of(a.receipt(2)), List.of(b.receipt(2)))).get(0);
    assertEquals("900000", both.min());
    assertEquals("10000000", both.max(), "compared as numbers, not as text");
    assertEquals(1, both.nulls());
    java.util.List<java.util.List<ColumnReceipt>> withMissing = new java.util.ArrayList<>();
    withMissing.add(List.of(a.receipt(1)));
    withMissing.add(null);
    assertNull(ColumnReceipt.combine(withMissing), "a range without receipts: the table has none");
  }

  /** As GoogleSQL reads it: the first 15 hex digits of TO_HEX(MD5(text)) as an INT64. */
  private static long prefix(String text) throws Exception {
    String hex = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
    return Long.parseLong(hex.substring(0, 15), 16);
  }
}
