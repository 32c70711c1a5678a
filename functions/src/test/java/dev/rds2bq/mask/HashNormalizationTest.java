package dev.rds2bq.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The hash's lowercase normalization takes a byte-by-byte path for ASCII; it must give exactly the
 * bytes of {@code trim().toLowerCase(Locale.ROOT)}, or the same address would hash differently from
 * one run (or one version) to the next and joins on the hash would break.
 */
class HashNormalizationTest {
  @Test
  void sameBytesAsTheStringMethods() {
    List<byte[]> inputs = List.of(
        bytes("Alice.Smith@Example.COM"), bytes("  bob@example.com\t\n"), bytes("\u0000\u001f x@Y.z \u0020"),
        bytes(""), bytes("   "), bytes("\u007fDEL@EXAMPLE.com\u007f"), bytes("[]^_`{|}~@@AZaz09"),
        bytes("Ünïcödé@Exämple.COM "), bytes(" İSTANBUL@example.com"), bytes("ǅungla@ΣΊΣΥΦΟΣ.gr"),
        bytes("x\u2003"), new byte[] {(byte) 0xff, 'A', ' '}, new byte[] {' ', 'B', (byte) 0xc3});
    for (byte[] v : inputs) {
      byte[] expected = new String(v, StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT)
          .getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(expected, MaskWriters.trimmedLowerCase(v), new String(v, StandardCharsets.UTF_8));
    }
    for (int b = 0; b < 128; b++) {
      byte[] v = {(byte) b, 'Q', (byte) b};
      byte[] expected = new String(v, StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT)
          .getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(expected, MaskWriters.trimmedLowerCase(v), "byte " + b);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
