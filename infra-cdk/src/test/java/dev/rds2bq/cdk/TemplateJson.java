package dev.rds2bq.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/** The synthesized template as JSON, with the look-ups the template tests share. */
public final class TemplateJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Stack stack;
  private final JsonNode template;

  public TemplateJson(Stack stack, Template template) {
    this.stack = stack;
    this.template = JSON.valueToTree(template.toJSON());
  }

  public JsonNode resources() {
    return template.path("Resources");
  }

  public JsonNode resource(String logicalId) {
    JsonNode r = resources().path(logicalId);
    if (r.isMissingNode()) {
      throw new AssertionError("no resource " + logicalId);
    }
    return r;
  }

  /** The resource a construct synthesizes to (its default child when it is an L2). */
  public String logicalId(IConstruct construct) {
    IConstruct element = construct instanceof CfnElement ? construct : construct.getNode().getDefaultChild();
    return stack.getLogicalId((CfnElement) element);
  }

  public JsonNode properties(IConstruct construct) {
    return resource(logicalId(construct)).path("Properties");
  }

  public List<String> idsOfType(String type) {
    List<String> ids = new ArrayList<>();
    resources().fields().forEachRemaining(e -> {
      if (e.getValue().path("Type").asText().equals(type)) {
        ids.add(e.getKey());
      }
    });
    return ids;
  }

  /** Every statement of every AWS::IAM::Policy attached to the role with this logical id, in order. */
  public ArrayNode roleStatements(String roleLogicalId) {
    return statementsAttachedTo("Roles", roleLogicalId);
  }

  public ArrayNode userStatements(String userLogicalId) {
    return statementsAttachedTo("Users", userLogicalId);
  }

  private ArrayNode statementsAttachedTo(String key, String logicalId) {
    ArrayNode all = JSON.createArrayNode();
    for (String id : idsOfType("AWS::IAM::Policy")) {
      JsonNode props = resource(id).path("Properties");
      for (JsonNode ref : props.path(key)) {
        if (ref.path("Ref").asText().equals(logicalId)) {
          props.path("PolicyDocument").path("Statement").forEach(all::add);
        }
      }
    }
    return all;
  }

  public static JsonNode json(Object value) {
    return JSON.valueToTree(value);
  }

  /** {@code {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":<rest>"]]}}, as CDK renders a partition ARN. */
  public static Map<String, Object> partitionArn(String rest) {
    return Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":" + rest)));
  }

  public static Map<String, Object> ref(String logicalId) {
    return Map.of("Ref", logicalId);
  }

  public static Map<String, Object> getAtt(String logicalId, String attribute) {
    return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
  }

  /** A statement as CDK renders it: a single action or resource is a string, several are a list. */
  public static ObjectNode statement(String sid, List<String> actions, List<?> resources) {
    ObjectNode s = JSON.createObjectNode();
    s.set("Action", json(actions.size() == 1 ? actions.get(0) : actions));
    s.put("Effect", "Allow");
    s.set("Resource", json(resources.size() == 1 ? resources.get(0) : resources));
    if (sid != null) {
      s.put("Sid", sid);
    }
    return s;
  }

  public static ObjectNode withCondition(ObjectNode statement, Map<String, Object> condition) {
    statement.set("Condition", json(condition));
    return statement;
  }

  /** Equal as JSON, whatever the order of object keys; the message shows both sides. */
  public static void assertJsonEquals(Object expected, JsonNode actual, String what) {
    assertEquals(canonical(json(expected)), canonical(actual), what);
  }

  public static String canonical(JsonNode node) {
    try {
      return JSON.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(JSON.treeToValue(node, Object.class));
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
