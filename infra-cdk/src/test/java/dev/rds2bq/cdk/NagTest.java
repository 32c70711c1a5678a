package dev.rds2bq.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * cdk-nag's AWS Solutions checks, which the app applies on every synth: no unsuppressed finding, and
 * every suppression in code names its rule, its findings and a specific reason.
 */
class NagTest {
  static List<String> findings(Stack stack) {
    List<String> found = new ArrayList<>();
    Annotations annotations = Annotations.fromStack(stack);
    for (SynthesisMessage m : annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))) {
      found.add("error " + m.getId() + ": " + m.getEntry().getData());
    }
    for (SynthesisMessage m : annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))) {
      found.add("warning " + m.getId() + ": " + m.getEntry().getData());
    }
    return found;
  }

  @Test
  void theStackHasNoUnsuppressedAwsSolutionsFinding() {
    assertEquals(List.of(), findings(TestApps.defaultStack().stack()));
  }

  @Test
  void everySuppressionNamesItsFindingsAndASpecificReason() {
    TestApps.Synth synth = TestApps.defaultStack();
    JsonNode resources = new TemplateJson(synth.stack(), synth.template()).resources();
    int count = 0;
    for (JsonNode resource : resources) {
      for (JsonNode rule : resource.path("Metadata").path("cdk_nag").path("rules_to_suppress")) {
        count++;
        String id = rule.path("id").asText();
        String reason = rule.path("reason").asText();
        assertTrue(reason.length() >= 60, id + ": reason too short to be specific: " + reason);
        if (id.equals("AwsSolutions-IAM5")) {
          assertFalse(rule.path("applies_to").isEmpty(), "an IAM5 suppression must list the wildcards it allows: "
              + reason);
        }
      }
    }
    assertTrue(count >= 8, "expected the suppressions of the roles, the log bucket and the DTS key, got " + count);
  }

  @Test
  void theChecksRunAndCatchAViolation() {
    App app = new App(AppProps.builder().context(Map.of("aws:cdk:disable-asset-staging", true)).build());
    Stack stack = new Stack(app, "Canary");
    Bucket.Builder.create(stack, "PlainBucket").build();
    Aspects.of(app).add(new AwsSolutionsChecks());
    List<String> found = findings(stack);
    assertTrue(found.stream().anyMatch(f -> f.contains("AwsSolutions-S10")), found::toString);
  }
}
