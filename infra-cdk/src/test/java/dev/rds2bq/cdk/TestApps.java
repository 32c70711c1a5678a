package dev.rds2bq.cdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Builds the app for tests the way {@code cdk synth} does: cdk.json's context, the deploy config and
 * the two Lambda jars the reactor built. Asset staging is off (assets are hashed, not copied), so a
 * synth takes seconds; {@link AppSynthTest} runs the real thing.
 */
public final class TestApps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Synth defaultSynth;

  private TestApps() {}

  /** The app, its stack and its template. */
  public record Synth(App app, Rds2bqStack stack, Template template) {}

  /** The stack of src/test/resources/deploy/test.deploy.yaml, synthesized once for all test classes. */
  public static synchronized Synth defaultStack() {
    if (defaultSynth == null) {
      defaultSynth = synth(resource("deploy/test.deploy.yaml"), Map.of());
    }
    return defaultSynth;
  }

  public static Synth synth(Path deployConfig, Map<String, Object> extraContext) {
    Map<String, Object> context = new HashMap<>(cdkJsonContext());
    context.putAll(inputs(deployConfig));
    context.put("aws:cdk:disable-asset-staging", true);
    context.putAll(extraContext);
    App app = new App(AppProps.builder().context(context).outdir(tempDir("cdk-out").toString()).build());
    Rds2bqStack stack = Rds2bqApp.build(app, Map.of());
    return new Synth(app, stack, Template.fromStack(stack));
  }

  /** The context keys the app reads: config, jars, ASL. */
  public static Map<String, Object> inputs(Path deployConfig) {
    return Map.of(
        "config", deployConfig.toString(),
        "functionsJar", jar("RDS2BQ_FUNCTIONS_JAR", "functions").toString(),
        "controlJar", jar("RDS2BQ_CONTROL_JAR", "functions").toString(),
        "loadJar", jar("RDS2BQ_LOAD_JAR", "load").toString(),
        "asl", asl().toString());
  }

  /** cdk.json's context, as the CDK CLI passes it to the app. */
  public static Map<String, Object> cdkJsonContext() {
    try {
      Map<String, Object> cdkJson = JSON.readValue(Files.readString(Path.of("cdk.json")), new TypeReference<>() {});
      @SuppressWarnings("unchecked")
      Map<String, Object> context = (Map<String, Object>) cdkJson.get("context");
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The Lambda jar of a module, from the variable surefire sets. The reactor builds both modules
   * before this one; a missing jar fails here, saying how to build it.
   */
  public static Path jar(String variable, String module) {
    String location = System.getenv(variable);
    if (location == null) {
      throw new AssertionError(variable + " is not set: run the tests through Maven (mvn -pl infra-cdk verify),"
          + " whose surefire configuration names the Lambda jars");
    }
    Path jar = Path.of(location);
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("the " + module + " module's Lambda jar is missing: " + jar.normalize()
          + ". Build it first: mvn -B package -DskipTests -pl " + module + " -am (the full reactor builds it before"
          + " infra-cdk)");
    }
    return jar;
  }

  /**
   * statemachine/pipeline.asl.json, the definition the stack deploys. Missing, the tests that check it
   * fail here: a stand-in definition would let them pass on something that is never deployed.
   */
  public static Path asl() {
    Path real = Path.of("..", "statemachine", "pipeline.asl.json");
    if (!Files.isRegularFile(real)) {
      throw new AssertionError("the state machine definition is missing: " + real.toAbsolutePath().normalize()
          + "; the infra-cdk tests run from infra-cdk/ in a full checkout");
    }
    return real;
  }

  public static Path resource(String name) {
    try {
      return Path.of(TestApps.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("test resource missing: " + name, e);
    }
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory("rds2bq-" + prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
