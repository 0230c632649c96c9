package dev.gantry.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The API's JSON: one strict mapper for request bodies (no trailing content, no duplicate keys)
 * that also writes responses (ISO-8601 timestamps).
 */
public final class ApiJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ApiJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Parses a request body.
   *
   * @throws ProblemException 400 malformed JSON, saying at which line and column parsing stopped
   */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw Problems.malformedJson("the request body is empty; send a JSON object");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw Problems.malformedJson("the request body holds no JSON value; send a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw Problems.malformedJson("the request body is not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    } catch (java.io.IOException e) {
      throw Problems.malformedJson("the request body could not be read as JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The value as JSON bytes. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response could not be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
