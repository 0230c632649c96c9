package dev.gantry.server.http;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem: the body of every 4xx and 5xx response, sent as
 * {@code application/problem+json}.
 *
 * @param type a URN naming the kind of problem, for programs ({@code urn:gantry:problem:validation})
 * @param title the kind of problem, for people; the same for every problem of a type
 * @param status the HTTP status
 * @param detail what went wrong in this request, and what to do about it
 * @param errors the individual mistakes in the request, or empty
 * @param headers response headers that belong to the problem ({@code WWW-Authenticate},
 *     {@code Retry-After}, {@code Allow}); not part of the body
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
    Map<String, String> headers) {
  public static final String CONTENT_TYPE = "application/problem+json";

  public Problem {
    errors = List.copyOf(errors);
    headers = Map.copyOf(headers);
  }

  public Problem(String type, String title, int status, String detail) {
    this(type, title, status, detail, List.of(), Map.of());
  }

  public Problem withErrors(List<FieldError> errors) {
    return new Problem(type, title, status, detail, errors, headers);
  }

  public Problem withHeader(String name, String value) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new Problem(type, title, status, detail, errors, h);
  }
}
