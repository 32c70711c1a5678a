package dev.rds2bq.source;

/**
 * The run's sources by the name a request carries: a name under the config's {@code sources}, or
 * null for a config with a single {@code source}. The composition root builds each at its first
 * use, so a run that reads one source never logs in to another.
 */
@FunctionalInterface
public interface Sources {
  Source get(String name);

  /** One source, whatever the name: a config with a single {@code source}, or a test of one engine. */
  static Sources only(Source source) {
    return name -> source;
  }
}
