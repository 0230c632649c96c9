package dev.gantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.gantry.server.http.openapi.OpenApiRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The API's contract as {@code openapi.json} states it, for tests: checks that a real response's
 * status is documented for its path and method, that its content type is the documented one,
 * and that its body matches the schema documented for that status (JSON Schema 2020-12 with
 * OpenAPI 3.1's vocabulary, by networknt's validator). A request to a path or method the
 * document does not have must be answered with a problem.
 */
public final class OpenApiContract {
  private static final String DOCUMENT_IRI = "https://gantry.dev/openapi.json";
  private static final OpenApiContract INSTANCE = new OpenApiContract();

  private final JsonNode document;
  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  private OpenApiContract() {
    String text = new String(OpenApiRoute.load(), StandardCharsets.UTF_8);
    try {
      this.document = new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
        builder -> builder.schemas(Map.of(DOCUMENT_IRI, text)));
  }

  public static OpenApiContract get() {
    return INSTANCE;
  }

  public JsonNode document() {
    return document;
  }

  /** Every documented operation as {@code METHOD /path}, sorted. */
  public TreeSet<String> operations() {
    TreeSet<String> ops = new TreeSet<>();
    document.get("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(
        method -> ops.add(method.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    return ops;
  }

  /**
   * Checks one response against the document.
   *
   * @param path the request's path without the query
   * @return the mistakes found; empty when the response keeps the contract
   */
  public List<String> violations(String method, String path, int status, String contentType, String body) {
    List<String> out = new ArrayList<>();
    Optional<String> template = template(path);
    JsonNode operation = template.map(t -> document.get("paths").get(t).get(method.toLowerCase(Locale.ROOT))).orElse(null);
    String what = method + " " + path + " -> " + status;
    if (operation == null) {
      // Not an operation of the API: must be answered with a problem (404 no route, 405 wrong method).
      if (!Problem.CONTENT_TYPE.equals(mediaType(contentType))) {
        out.add(what + ": an undocumented route must be answered with " + Problem.CONTENT_TYPE + ", got " + contentType);
      } else {
        out.addAll(validate("#/components/schemas/Problem", body, what));
      }
      return out;
    }
    String pointer = "#/paths/" + escape(template.get()) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
    JsonNode response = operation.path("responses").get(Integer.toString(status));
    if (response == null) {
      out.add(what + ": status " + status + " is not documented for " + method + " " + template.get()
          + " (documented: " + iterable(operation.path("responses").fieldNames()) + "); body: " + body);
      return out;
    }
    if (response.has("$ref")) {
      pointer = response.get("$ref").asText();
      response = resolve(pointer);
    }
    JsonNode content = response.get("content");
    if (content == null) {
      if (body != null && !body.isEmpty()) {
        out.add(what + ": documented without a body, but has one: " + body);
      }
      return out;
    }
    String type = mediaType(contentType);
    if (type == null || !content.has(type)) {
      out.add(what + ": content type " + contentType + " is not documented (documented: "
          + iterable(content.fieldNames()) + ")");
      return out;
    }
    if (type.endsWith("json")) {
      out.addAll(validate(pointer + "/content/" + escape(type) + "/schema", body, what));
    }
    return out;
  }

  /** Checks a JSON document against one of the document's component schemas ({@code Job}). */
  public List<String> schemaViolations(String schemaName, String json) {
    return validate("#/components/schemas/" + schemaName, json, schemaName);
  }

  private List<String> validate(String pointer, String body, String what) {
    Schema schema = schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + p)));
    List<Error> errors = schema.validate(body, InputFormat.JSON);
    return errors.stream().map(e -> what + ": " + e.getInstanceLocation() + " " + e.getMessage() + " (schema " + pointer
        + "); body: " + body).toList();
  }

  private JsonNode resolve(String ref) {
    JsonNode node = document.at(ref.substring(1));
    if (node.isMissingNode()) {
      throw new IllegalStateException("openapi.json refers to " + ref + ", which it does not have");
    }
    return node;
  }

  /** The documented path template a concrete path matches ({@code /v1/jobs/123} -> {@code /v1/jobs/{id}}). */
  public Optional<String> template(String path) {
    Iterator<String> it = document.get("paths").fieldNames();
    String bestMatch = null;
    while (it.hasNext()) {
      String template = it.next();
      if (template.equals(path)) {
        return Optional.of(template);
      }
      String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
      if (path.matches(regex)) {
        bestMatch = template;
      }
    }
    return Optional.ofNullable(bestMatch);
  }

  private static String mediaType(String contentType) {
    return contentType == null ? null : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
  }

  private static String escape(String pointerToken) {
    return pointerToken.replace("~", "~0").replace("/", "~1");
  }

  private static String iterable(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return String.join(", ", list);
  }
}
