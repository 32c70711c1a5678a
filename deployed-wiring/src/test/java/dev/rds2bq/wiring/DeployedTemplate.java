package dev.rds2bq.wiring;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rds2bq.cdk.Rds2bqApp;
import dev.rds2bq.cdk.Rds2bqStack;
import dev.rds2bq.cdk.config.FunctionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnElement;

/**
 * What {@code cdk synth} gives a deployment, read the way CloudFormation and Lambda read it: each
 * function's handler string, code asset and environment variables from the template, and every
 * file asset's source and its destination in the bootstrap bucket from the asset manifest.
 * CloudFormation's intrinsic functions in the environment are resolved with the stack's account and
 * region; nothing is taken from the stack's Java objects but the logical ids.
 */
final class DeployedTemplate {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One function as deployed. */
  record Function(FunctionSpec spec, String name, String handler, Path code, Map<String, String> environment,
      int memoryMiB, int timeoutSeconds, String runtime, boolean snapStart, String logFormat, String logLevel) {}

  /** A file asset: where {@code cdk deploy} uploads it from and to. */
  record Asset(Path source, String bucket, String key) {}

  final String account;
  final String region;
  final Map<FunctionSpec, Function> functions = new EnumMap<>(FunctionSpec.class);
  final Map<String, Asset> assetsByKey = new LinkedHashMap<>();

  /** Synthesizes the app from {@code deployConfig} with the given packages and definition. */
  DeployedTemplate(Path infraCdk, Path deployConfig, Path functionsJar, Path controlJar, Path loadJar, Path asl,
      Path outdir) {
    Map<String, Object> context = new HashMap<>(cdkJsonContext(infraCdk));
    context.put("config", deployConfig.toString());
    context.put("functionsJar", functionsJar.toString());
    context.put("controlJar", controlJar.toString());
    context.put("loadJar", loadJar.toString());
    context.put("asl", asl.toString());
    context.put("aws:cdk:disable-asset-staging", true);
    App app = new App(AppProps.builder().context(context).outdir(outdir.toString()).build());
    Rds2bqStack stack = Rds2bqApp.build(app, Map.of());
    app.synth();
    account = stack.getAccount();
    region = stack.getRegion();
    JsonNode template = read(outdir.resolve(stack.getTemplateFile()));
    JsonNode assetManifest = read(outdir.resolve(stack.getArtifactId() + ".assets.json"));
    for (Iterator<JsonNode> it = assetManifest.path("files").elements(); it.hasNext(); ) {
      JsonNode file = it.next();
      Path source = Path.of(file.path("source").path("path").asText());
      if (!source.isAbsolute()) {
        source = outdir.resolve(source);
      }
      JsonNode destination = file.path("destinations").elements().next();
      String key = destination.path("objectKey").asText();
      assetsByKey.put(key, new Asset(source, sub(destination.path("bucketName").asText()), key));
    }
    for (FunctionSpec spec : FunctionSpec.values()) {
      String id = stack.getLogicalId((CfnElement) stack.function(spec).function().getNode().getDefaultChild());
      JsonNode p = template.path("Resources").path(id).path("Properties");
      Map<String, String> env = new LinkedHashMap<>();
      p.path("Environment").path("Variables").fields()
          .forEachRemaining(e -> env.put(e.getKey(), resolve(e.getValue())));
      Asset code = assetsByKey.get(p.path("Code").path("S3Key").asText());
      if (code == null) {
        throw new AssertionError(spec.functionName() + ": its code " + p.path("Code") + " is no asset of the manifest");
      }
      JsonNode logging = p.path("LoggingConfig");
      functions.put(spec, new Function(spec, p.path("FunctionName").asText(), p.path("Handler").asText(), code.source(),
          env, p.path("MemorySize").asInt(), p.path("Timeout").asInt(), p.path("Runtime").asText(),
          p.path("SnapStart").path("ApplyOn").asText().equals("PublishedVersions"),
          logging.path("LogFormat").asText("Text"), logging.path("ApplicationLogLevel").asText(null)));
    }
  }

  /** A value of the template's environment: a string, or Fn::Sub / Fn::Join over pseudo parameters. */
  private String resolve(JsonNode value) {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.has("Fn::Sub")) {
      return sub(value.get("Fn::Sub").asText());
    }
    if (value.has("Fn::Join")) {
      StringBuilder out = new StringBuilder();
      String separator = value.get("Fn::Join").get(0).asText();
      Iterator<JsonNode> parts = value.get("Fn::Join").get(1).elements();
      while (parts.hasNext()) {
        out.append(resolve(parts.next()));
        if (parts.hasNext()) {
          out.append(separator);
        }
      }
      return out.toString();
    }
    if (value.has("Ref")) {
      return pseudo(value.get("Ref").asText());
    }
    throw new AssertionError("an environment value this test cannot resolve: " + value);
  }

  private String sub(String text) {
    return text.replace("${AWS::AccountId}", account).replace("${AWS::Region}", region)
        .replace("${AWS::Partition}", "aws").replace("${AWS::URLSuffix}", "amazonaws.com");
  }

  private String pseudo(String name) {
    return switch (name) {
      case "AWS::AccountId" -> account;
      case "AWS::Region" -> region;
      case "AWS::Partition" -> "aws";
      case "AWS::URLSuffix" -> "amazonaws.com";
      default -> throw new AssertionError("a Ref this test cannot resolve: " + name);
    };
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> cdkJsonContext(Path infraCdk) {
    try {
      Map<String, Object> cdkJson = JSON.readValue(infraCdk.resolve("cdk.json").toFile(), new TypeReference<>() {});
      @SuppressWarnings("unchecked")
      Map<String, Object> context = (Map<String, Object>) cdkJson.get("context");
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
