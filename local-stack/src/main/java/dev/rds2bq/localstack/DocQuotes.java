package dev.rds2bq.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers docs/ quotes, for the tests that hold them to the code: a limit changed in one place
 * and not the other fails the build. A quote that is reworded so that its pattern no longer matches
 * fails too, so that it is looked at again rather than silently dropped.
 */
public final class DocQuotes {
  private static final List<String> WORDS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
      "eight", "nine", "ten");

  private DocQuotes() {}

  /** docs/ of this checkout, found from the working directory upwards. */
  public static Path docs() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("docs")) && Files.isRegularFile(d.resolve("docs/state-machine.md"))) {
        return d.resolve("docs");
      }
    }
    throw new AssertionError("docs/ not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * Every number group 1 of {@code regex} captures in {@code docs/<file>}: digits with thousands
   * separators (comma, space or narrow space) or a number word up to ten. Fails when nothing matches.
   */
  public static List<Long> quoted(String file, String regex) {
    String text;
    try {
      text = Files.readString(docs().resolve(file), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher m = Pattern.compile(regex).matcher(text);
    List<Long> numbers = new ArrayList<>();
    while (m.find()) {
      String raw = m.group(1).trim();
      int word = WORDS.indexOf(raw.toLowerCase(java.util.Locale.ROOT));
      numbers.add(word >= 0 ? word : Long.parseLong(raw.replaceAll("[,\\s\u202f\u2009]", "")));
    }
    if (numbers.isEmpty()) {
      throw new AssertionError("docs/" + file + " no longer says /" + regex + "/: update the quote or this check");
    }
    return numbers;
  }

  /** A static field's value, package-private ones included: the constant a quote must equal. */
  public static long constant(Class<?> owner, String field) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      return ((Number) f.get(null)).longValue();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(owner.getSimpleName() + "." + field + " is gone; the docs quote it", e);
    }
  }
}
