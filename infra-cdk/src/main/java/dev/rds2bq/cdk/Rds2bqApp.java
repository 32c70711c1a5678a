package dev.rds2bq.cdk;

import dev.rds2bq.cdk.config.DeployConfigException;
import dev.rds2bq.cdk.config.DeployConfigLoader;
import dev.rds2bq.cdk.config.Deployment;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

/**
 * The CDK app: {@code cdk synth|deploy -c config=rds2bq.deploy.yaml}, run from infra-cdk/.
 *
 * <p>Inputs, each a CDK context value ({@code -c key=value}), else an environment variable, else the
 * default, relative paths taken from the working directory:
 * <ul>
 *   <li>{@code config} / {@code RDS2BQ_DEPLOY_CONFIG}: the deploy config, default {@code rds2bq.deploy.yaml};</li>
 *   <li>{@code functionsJar} / {@code RDS2BQ_FUNCTIONS_JAR}: default
 *       {@code ../functions/target/rds2bq-functions-<version>-lambda.jar};</li>
 *   <li>{@code controlJar} / {@code RDS2BQ_CONTROL_JAR}: default
 *       {@code ../functions/target/rds2bq-functions-<version>-control.jar};</li>
 *   <li>{@code loadJar} / {@code RDS2BQ_LOAD_JAR}: default {@code ../load/target/rds2bq-load-<version>-lambda.jar};</li>
 *   <li>{@code asl} / {@code RDS2BQ_ASL}: default {@code ../statemachine/pipeline.asl.json}.</li>
 * </ul>
 * cdk-nag's AWS Solutions checks run on every synth; an unsuppressed finding fails it.
 */
public final class Rds2bqApp {
  public static final String VERSION = buildVersion();

  private Rds2bqApp() {}

  public static void main(String[] args) {
    App app = new App();
    try {
      build(app, System.getenv());
    } catch (DeployConfigException | IllegalArgumentException e) {
      System.err.println("rds2bq: " + e.getMessage());
      System.exit(1);
    }
    app.synth();
  }

  /** Builds the stack into {@code app}, as {@code cdk synth} does; {@code env} stands for the environment. */
  public static Rds2bqStack build(App app, Map<String, String> env) {
    Path configFile = Path.of(input(app, env, "config", "RDS2BQ_DEPLOY_CONFIG", "rds2bq.deploy.yaml"));
    Path functionsJar = jar(input(app, env, "functionsJar", "RDS2BQ_FUNCTIONS_JAR",
        "../functions/target/rds2bq-functions-" + VERSION + "-lambda.jar"), "functionsJar", "functions");
    Path controlJar = jar(input(app, env, "controlJar", "RDS2BQ_CONTROL_JAR",
        "../functions/target/rds2bq-functions-" + VERSION + "-control.jar"), "controlJar", "functions");
    Path loadJar = jar(input(app, env, "loadJar", "RDS2BQ_LOAD_JAR",
        "../load/target/rds2bq-load-" + VERSION + "-lambda.jar"), "loadJar", "load");
    Path asl = Path.of(input(app, env, "asl", "RDS2BQ_ASL", "../statemachine/pipeline.asl.json"));

    Deployment deployment = DeployConfigLoader.load(configFile);
    Rds2bqStack stack = new Rds2bqStack(app, deployment.stackName(), StackProps.builder()
        .env(Environment.builder().account(deployment.account()).region(deployment.region()).build())
        .description("rds2bq: masked exports of RDS for MySQL to Parquet on S3 and BigQuery (" + configFile.getFileName()
            + ")")
        .build(), new Rds2bqStack.Inputs(deployment, functionsJar, controlJar, loadJar, asl));
    Tags.of(stack).add("rds2bq:stack", deployment.stackName());
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }

  private static String input(App app, Map<String, String> env, String contextKey, String variable, String fallback) {
    Object value = app.getNode().tryGetContext(contextKey);
    if (value != null && !value.toString().isBlank()) {
      return value.toString();
    }
    String fromEnv = env.get(variable);
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback;
  }

  private static Path jar(String location, String contextKey, String module) {
    Path path = Path.of(location);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("the Lambda package of the " + module + " module is missing: "
          + path.toAbsolutePath().normalize() + ". Build it first, from the repository root: mvn -B package -DskipTests"
          + " (or mvn -B install -DskipTests); or name another jar with -c " + contextKey + "=<path>");
    }
    return path;
  }

  private static String buildVersion() {
    Properties properties = new Properties();
    try (InputStream in = Rds2bqApp.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version", "0.1.0-SNAPSHOT");
  }
}
