package dev.rds2bq.cdk.config;

import java.util.List;

/**
 * The deploy config is wrong. Each problem is one line that names the file, the key, the rule, the
 * value found and the fix; all problems are reported together so one edit can fix them all.
 */
public final class DeployConfigException extends RuntimeException {
  private final List<String> problems;

  public DeployConfigException(String origin, List<String> problems) {
    super("deploy config " + origin + " has " + problems.size() + " problem(s):\n  - "
        + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
