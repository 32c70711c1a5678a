package dev.rds2bq.cdk.constructs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rds2bq.cdk.TestApps;
import dev.rds2bq.cdk.config.FunctionSpec;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class AslDefinitionTest {
  private static final String TWO_TASKS = """
      {"StartAt": "Plan", "States": {
        "Plan": {"Type": "Task", "Resource": "${PlanRunFunctionArn}", "Next": "Sum"},
        "Sum": {"Type": "Task", "Resource": "${SummarizeRunFunctionArn}", "End": true}}}""";

  @Test
  void theStateMachineMayInvokeOnlyTheFunctionsTheDefinitionNames() {
    AslDefinition asl = AslDefinition.parse("test", TWO_TASKS, 3600);
    assertEquals(EnumSet.of(FunctionSpec.PLAN_RUN, FunctionSpec.SUMMARIZE_RUN), asl.invoked());
  }

  @Test
  void theExecutionTimeoutComesFromTheDeployConfig() {
    assertTrue(AslDefinition.parse("test", TWO_TASKS, 7200).text().contains("\"TimeoutSeconds\" : 7200"));
    String own = TWO_TASKS.replace("{\"StartAt\"", "{\"TimeoutSeconds\": 60, \"StartAt\"");
    String text = AslDefinition.parse("test", own, 7200).text();
    assertTrue(text.contains("\"TimeoutSeconds\" : 7200") && !text.contains("\"TimeoutSeconds\" : 60"), text);
  }

  @Test
  void anUnknownPlaceholderIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AslDefinition.parse("x.asl.json", TWO_TASKS.replace("PlanRunFunctionArn", "PlanFunctionArn"), 60));
    assertTrue(e.getMessage().startsWith("the state machine definition x.asl.json uses [${PlanFunctionArn}], which"
        + " the stack does not substitute; it substitutes [${PlanRunFunctionArn}, "), e.getMessage());
  }

  @Test
  void aDocumentWithoutStatesIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AslDefinition.parse("x.asl.json", "{\"Comment\": 1}", 60));
    assertTrue(e.getMessage().contains("is not an ASL document"), e.getMessage());
  }

  @Test
  void theRepositoryDefinitionIsAccepted() {
    AslDefinition asl = AslDefinition.read(TestApps.asl(), 3600);
    assertTrue(asl.invoked().contains(FunctionSpec.PLAN_RUN), asl.invoked()::toString);
    assertTrue(asl.invoked().contains(FunctionSpec.EXPORT_TABLE), asl.invoked()::toString);
  }
}
