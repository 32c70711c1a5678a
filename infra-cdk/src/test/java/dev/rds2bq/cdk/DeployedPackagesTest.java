package dev.rds2bq.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rds2bq.cdk.config.FunctionSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the template deploys against what the packages hold: each function's handler string names a
 * class and method of its own jar, and the rds2bq code in a jar reads no {@code RDS2BQ_*} variable the
 * stack does not set. A variable only a person could set in the console would be a switch a deployed
 * function can be flipped by (e.g. to plaintext endpoints without credentials).
 */
class DeployedPackagesTest {
  private static final Pattern VARIABLE = Pattern.compile("RDS2BQ_[A-Z0-9_]*[A-Z0-9]");
  private static TemplateJson t;
  private static Rds2bqStack stack;
  private static final Map<FunctionSpec.Package, Path> JARS = new EnumMap<>(FunctionSpec.Package.class);

  @BeforeAll
  static void synth() {
    TestApps.Synth synth = TestApps.defaultStack();
    stack = synth.stack();
    t = new TemplateJson(stack, synth.template());
    JARS.put(FunctionSpec.Package.FUNCTIONS, TestApps.jar("RDS2BQ_FUNCTIONS_JAR", "functions"));
    JARS.put(FunctionSpec.Package.CONTROL, TestApps.jar("RDS2BQ_CONTROL_JAR", "functions"));
    JARS.put(FunctionSpec.Package.LOAD, TestApps.jar("RDS2BQ_LOAD_JAR", "load"));
  }

  private static JsonNode properties(FunctionSpec spec) {
    return t.properties(stack.function(spec).function());
  }

  @ParameterizedTest
  @EnumSource(FunctionSpec.class)
  void theHandlerStringNamesAPublicStreamHandlerOfTheFunctionsOwnJar(FunctionSpec spec) throws Exception {
    String handler = properties(spec).path("Handler").asText();
    assertTrue(handler.endsWith("::handleRequest"), handler);
    String className = handler.substring(0, handler.indexOf("::"));
    // The jar alone, as Lambda's runtime sees /var/task: no class of this test's class path leaks in.
    try (URLClassLoader task = new URLClassLoader(new URL[] {JARS.get(spec.pkg()).toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> type = Class.forName(className, false, task);
      Class<?> streamHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestStreamHandler", false, task);
      Class<?> context = Class.forName("com.amazonaws.services.lambda.runtime.Context", false, task);
      assertTrue(streamHandler.isAssignableFrom(type), className + " is not a RequestStreamHandler");
      assertTrue(Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers()), className);
      assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()), className + " has no public no-arg constructor");
      Method method = type.getMethod("handleRequest", InputStream.class, OutputStream.class, context);
      assertNotNull(method, className + "::handleRequest");
    }
  }

  @Test
  void theCodeReadsOnlyTheVariablesTheStackSets() throws IOException {
    Set<String> setByStack = new TreeSet<>();
    for (FunctionSpec spec : FunctionSpec.values()) {
      properties(spec).path("Environment").path("Variables").fieldNames().forEachRemaining(setByStack::add);
    }
    for (Map.Entry<FunctionSpec.Package, Path> e : JARS.entrySet()) {
      Set<String> named = variablesNamedIn(e.getValue());
      Set<String> unset = new TreeSet<>(named);
      unset.removeAll(setByStack);
      assertEquals(Set.of(), unset, e.getKey() + " package (" + e.getValue().getFileName() + ") reads variables no"
          + " function of the stack gets; a deployed function must not have switches only the console can set");
    }
    for (FunctionSpec spec : FunctionSpec.values()) {
      Set<String> named = variablesNamedIn(JARS.get(spec.pkg()));
      properties(spec).path("Environment").path("Variables").fieldNames().forEachRemaining(name -> {
        if (name.startsWith("RDS2BQ_")) {
          assertTrue(named.contains(name), spec.functionName() + " gets " + name + " but its package never reads it");
        }
      });
    }
  }

  /** Every RDS2BQ_* constant in the rds2bq classes of a jar (class files keep string constants as UTF-8). */
  private static Set<String> variablesNamedIn(Path jarFile) throws IOException {
    Set<String> names = new TreeSet<>();
    try (ZipFile jar = new ZipFile(jarFile.toFile())) {
      for (ZipEntry e : java.util.Collections.list(jar.entries())) {
        if (e.getName().startsWith("dev/rds2bq/") && e.getName().endsWith(".class")) {
          Matcher m = VARIABLE.matcher(classText(jar, e));
          while (m.find()) {
            names.add(m.group());
          }
        }
      }
    }
    assertTrue(names.contains("RDS2BQ_CONFIG"), "no RDS2BQ_CONFIG in " + jarFile + ": the scan found nothing");
    return names;
  }

  private static String classText(ZipFile jar, ZipEntry e) throws IOException {
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
