package dev.gantry.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an option's value as one JSON document, so malformed JSON is a usage error (exit 2). */
final class JsonConverter implements ITypeConverter<JsonNode> {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Override
  public JsonNode convert(String value) {
    try {
      JsonNode node = MAPPER.readTree(value);
      if (node == null || node.isMissingNode()) {
        throw new TypeConversionException("expected JSON such as '{\"to\": \"ada@example.com\"}', got nothing");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new TypeConversionException("not valid JSON (" + e.getOriginalMessage() + "): " + value);
    }
  }
}
