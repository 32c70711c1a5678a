package dev.rds2bq.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * One entry of PublishTable's {@code exports}, in either form: the full {@link ExportResult}, or the
 * {@link SlimExportResult} that ExportTable returns, whose full result is in S3 at its
 * {@code resultKey}. JSON with a {@code resultKey} reads as the slim form, anything else as the
 * full one.
 */
@JsonDeserialize(using = AnyExportResult.FormDeserializer.class)
public sealed interface AnyExportResult extends RunTable permits ExportResult, SlimExportResult {
  String runId();

  String runDate();

  String database();

  String table();

  /** The range, or null for a table exported in one piece. */
  KeyRange range();

  long rowsWritten();

  long durationMs();

  /** The range label that names the range's files: {@code full}, or the 5-digit range id. */
  default String label() {
    return range() == null ? "full" : range().label();
  }

  /** Picks the form by the presence of {@code resultKey}; the mapper's features (unknown fields) apply to either. */
  final class FormDeserializer extends StdDeserializer<AnyExportResult> {
    public FormDeserializer() {
      super(AnyExportResult.class);
    }

    @Override
    public AnyExportResult deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode node = ctxt.readTree(p);
      Class<? extends AnyExportResult> form = node.has("resultKey") ? SlimExportResult.class : ExportResult.class;
      return ctxt.readTreeAsValue(node, form);
    }
  }
}
