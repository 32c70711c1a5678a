package dev.rds2bq.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * The Lambda package this build made, for the tests that run a package on its own: the exact path
 * the build passes in a system property, and never older than the classes it was made from. A
 * missing or stale jar fails the test that needs it instead of testing some other jar.
 */
public final class BuiltJar {
  private BuiltJar() {}

  /**
   * @param property the system property the build sets to the jar's path
   * @param classes the {@code target/classes} folder the jar was packaged from
   */
  public static Path of(String property, Path classes) {
    String location = System.getProperty(property);
    if (location == null || location.isBlank()) {
      throw new AssertionError("system property " + property + " is not set: run this test through Maven, whose"
          + " surefire configuration names the jar this build packages");
    }
    Path jar = Path.of(location).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("the Lambda package " + jar + " is missing; build it first (mvn -B package -DskipTests)");
    }
    FileTime newestClass = newest(classes);
    try {
      if (newestClass != null && Files.getLastModifiedTime(jar).compareTo(newestClass) < 0) {
        throw new AssertionError("the Lambda package " + jar + " is older than its classes in " + classes
            + "; package the module again (mvn -B package -DskipTests)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jar;
  }

  private static FileTime newest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> {
        try {
          return Files.getLastModifiedTime(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).max(FileTime::compareTo).orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
