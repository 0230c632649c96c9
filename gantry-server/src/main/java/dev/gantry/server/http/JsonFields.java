package dev.gantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the fields of one JSON object of a request strictly: each read names the field, checks
 * its type and range, and records a {@link FieldError} (with the field's full path, such as
 * {@code jobs[3].priority}) instead of stopping at the first mistake. {@link #finish()} adds
 * an error for every field that was not read, so unknown fields are rejected by name.
 */
public final class JsonFields {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private final String path;
  private final JsonNode node;
  private final List<FieldError> errors;
  private final Set<String> read = new LinkedHashSet<>();

  private JsonFields(String path, JsonNode node, List<FieldError> errors) {
    this.path = path;
    this.node = node;
    this.errors = errors;
  }

  /**
   * The fields of {@code node}, which must be an object; if it is not, an error is recorded and
   * every read returns null.
   *
   * @param path where the object is in the request ({@code ""} for the body itself)
   * @param errors where mistakes are collected
   */
  public static JsonFields of(String path, JsonNode node, List<FieldError> errors) {
    if (node == null || !node.isObject()) {
      errors.add(new FieldError(path.isEmpty() ? "(body)" : path, "must be a JSON object, got " + describe(node)));
      return new JsonFields(path, null, errors);
    }
    return new JsonFields(path, node, errors);
  }

  /** The full path of one of this object's fields. */
  public String pathOf(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private JsonNode value(String field) {
    read.add(field);
    if (node == null) {
      return null;
    }
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private void error(String field, String message) {
    errors.add(new FieldError(pathOf(field), message));
  }

  /** A string field that must be present; null (with an error) if absent or not a string. */
  public String requiredString(String field) {
    JsonNode v = value(field);
    if (node != null && v == null) {
      error(field, "is required");
      return null;
    }
    return v == null ? null : string(field, v);
  }

  /** A string field, or null when absent. */
  public String optionalString(String field) {
    JsonNode v = value(field);
    return v == null ? null : string(field, v);
  }

  private String string(String field, JsonNode v) {
    if (!v.isTextual()) {
      error(field, "must be a string, got " + describe(v));
      return null;
    }
    return v.textValue();
  }

  /** An integer field between min and max, or null when absent (or wrong, with an error). */
  public Integer optionalInt(String field, int min, int max) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber()) {
      error(field, "must be an integer, got " + describe(v));
      return null;
    }
    if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      error(field, "must be between " + min + " and " + max + ", got " + v.asText());
      return null;
    }
    return v.intValue();
  }

  /** A UUID field that must be present; null (with an error) if absent or not a UUID. */
  public UUID requiredUuid(String field) {
    return uuid(field, requiredString(field));
  }

  /** A UUID field, or null when absent (or not a UUID, with an error). */
  public UUID optionalUuid(String field) {
    return uuid(field, optionalString(field));
  }

  private UUID uuid(String field, String text) {
    if (text == null) {
      return null;
    }
    if (!UUID_TEXT.matcher(text).matches()) {
      error(field, "must be a UUID such as 0190f2d4-5b6e-7c3a-9d1e-2f4a6b8c0d1e, got '" + text + "'");
      return null;
    }
    return UUID.fromString(text);
  }

  /** A boolean field, or null when absent (or wrong, with an error). */
  public Boolean optionalBoolean(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      error(field, "must be true or false, got " + describe(v));
      return null;
    }
    return v.booleanValue();
  }

  /** Any JSON value, or null when absent or JSON null. */
  public JsonNode optionalValue(String field) {
    return value(field);
  }

  /** A JSON object field, or null when absent. */
  public ObjectNode optionalObject(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      error(field, "must be a JSON object, got " + describe(v));
      return null;
    }
    return (ObjectNode) v;
  }

  /** An array of strings, each checked by {@code check} (which returns an error message or null). */
  public List<String> optionalStrings(String field, int maxItems, Function<String, String> check) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      error(field, "must be an array of strings, got " + describe(v));
      return null;
    }
    if (v.size() > maxItems) {
      error(field, "must have at most " + maxItems + " items, got " + v.size());
      return null;
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String itemPath = field + "[" + i + "]";
      if (!item.isTextual()) {
        error(itemPath, "must be a string, got " + describe(item));
        ok = false;
        continue;
      }
      String problem = check.apply(item.textValue());
      if (problem != null) {
        error(itemPath, problem);
        ok = false;
      }
      out.add(item.textValue());
    }
    return ok ? out : null;
  }

  /** As {@link #optionalStrings}, but the field must be present with at least {@code minItems} items. */
  public List<String> requiredStrings(String field, int minItems, int maxItems, Function<String, String> check) {
    if (node != null && (node.get(field) == null || node.get(field).isNull())) {
      read.add(field);
      error(field, "is required");
      return null;
    }
    List<String> out = optionalStrings(field, maxItems, check);
    if (out != null && out.size() < minItems) {
      error(field, "must have at least " + minItems + " item" + (minItems == 1 ? "" : "s") + ", got " + out.size());
      return null;
    }
    return out;
  }

  /** An array field (any items), or null when absent. */
  public JsonNode optionalArray(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      error(field, "must be an array, got " + describe(v));
      return null;
    }
    return v;
  }

  /** A required array field; null (with an error) if absent or not an array. */
  public JsonNode requiredArray(String field) {
    JsonNode v = value(field);
    if (node != null && v == null) {
      error(field, "is required");
      return null;
    }
    if (v != null && !v.isArray()) {
      error(field, "must be an array, got " + describe(v));
      return null;
    }
    return v;
  }

  /** An ISO-8601 duration such as {@code PT30S}, between min and max, or null when absent. */
  public Duration optionalDuration(String field, Duration min, Duration max) {
    String text = optionalString(field);
    if (text == null) {
      return null;
    }
    Duration d;
    try {
      d = Duration.parse(text);
    } catch (DateTimeParseException e) {
      error(field, "must be an ISO-8601 duration such as PT30S or PT5M, got '" + text + "'");
      return null;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      error(field, "must be between " + min + " and " + max + ", got " + d);
      return null;
    }
    return d;
  }

  /** An RFC 3339 timestamp such as {@code 2030-01-01T12:00:00Z}, or null when absent. */
  public Instant optionalInstant(String field) {
    String text = optionalString(field);
    if (text == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      error(field, "must be an RFC 3339 timestamp with an offset, such as 2030-01-01T12:00:00Z, got '" + text + "'");
      return null;
    }
  }

  /** Records an error about one of this object's fields (for checks across fields). */
  public void reject(String field, String message) {
    error(field, message);
  }

  /** Records an error for every field that no read asked for. */
  public void finish() {
    if (node == null) {
      return;
    }
    node.fieldNames().forEachRemaining(name -> {
      if (!read.contains(name)) {
        errors.add(new FieldError(pathOf(name), "is not a known field; known fields are " + String.join(", ", read)));
      }
    });
  }

  /** A short description of a JSON value's type, for messages. */
  public static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isIntegralNumber()) {
      return "an integer";
    }
    if (v.isNumber()) {
      return "a number with a fraction";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isArray()) {
      return "an array";
    }
    return "an object";
  }
}
