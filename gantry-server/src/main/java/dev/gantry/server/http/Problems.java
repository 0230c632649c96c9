package dev.gantry.server.http;

import java.util.List;

/**
 * Every kind of problem the API answers with: one factory per type, so that a type always has
 * the same status and title. The types are listed in {@code openapi.json} as well.
 */
public final class Problems {
  private static final String PREFIX = "urn:gantry:problem:";
  /** How long a client should wait before retrying when the database is unavailable, in seconds. */
  public static final int RETRY_AFTER_SECONDS = 5;

  private Problems() {}

  /** 400: the request's fields are wrong; each mistake is in {@code errors}. */
  public static ProblemException invalid(List<FieldError> errors) {
    String detail = errors.size() == 1
        ? errors.get(0).field() + ": " + errors.get(0).message()
        : "the request has " + errors.size() + " invalid fields; see errors";
    return new ProblemException(new Problem(PREFIX + "validation", "Invalid request", 400, detail).withErrors(errors));
  }

  /** 400: one field is wrong. */
  public static ProblemException invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  /** 400: the body is not JSON; the detail says where parsing stopped. */
  public static ProblemException malformedJson(String detail) {
    return new ProblemException(new Problem(PREFIX + "malformed-json", "Malformed JSON", 400, detail));
  }

  /** 401: no key, or not a valid one. */
  public static ProblemException unauthorized(String detail, boolean keyPresented) {
    String challenge = keyPresented ? "Bearer realm=\"gantry\", error=\"invalid_token\"" : "Bearer realm=\"gantry\"";
    return new ProblemException(new Problem(PREFIX + "unauthorized", "Unauthorized", 401, detail)
        .withHeader("WWW-Authenticate", challenge));
  }

  /** 403: a valid key that may not do this. */
  public static ProblemException forbidden(String detail) {
    return new ProblemException(new Problem(PREFIX + "forbidden", "Forbidden", 403, detail));
  }

  /** 403: a valid key that may not do this with the fields listed in {@code errors}. */
  public static ProblemException forbidden(String detail, List<FieldError> errors) {
    return new ProblemException(new Problem(PREFIX + "forbidden", "Forbidden", 403, detail).withErrors(errors));
  }

  /** 404: no such job, or no such route. */
  public static ProblemException notFound(String detail) {
    return new ProblemException(new Problem(PREFIX + "not-found", "Not found", 404, detail));
  }

  /** 405: the path exists, but not with this method. */
  public static ProblemException methodNotAllowed(String detail, String allow) {
    Problem p = new Problem(PREFIX + "method-not-allowed", "Method not allowed", 405, detail);
    return new ProblemException(allow == null || allow.isEmpty() ? p : p.withHeader("Allow", allow));
  }

  /** 409: the job is not in a state that allows this. */
  public static ProblemException conflict(String detail) {
    return new ProblemException(new Problem(PREFIX + "conflict", "Conflict", 409, detail));
  }

  /** 409: a remote worker's lease on the job is not its current one; nothing was written. */
  public static ProblemException leaseLost(String detail) {
    return new ProblemException(new Problem(PREFIX + "lease-lost", "Lease lost", 409, detail));
  }

  /** 413: the body is larger than the server accepts. */
  public static ProblemException tooLarge(long maxBytes) {
    return new ProblemException(new Problem(PREFIX + "body-too-large", "Request body too large", 413,
        "the request body is larger than this server's limit of " + maxBytes + " bytes; send fewer jobs per batch"));
  }

  /** 415: the body is not declared as JSON. */
  public static ProblemException unsupportedMediaType(String contentType) {
    return new ProblemException(new Problem(PREFIX + "unsupported-media-type", "Unsupported media type", 415,
        "the body must be JSON sent with Content-Type: application/json, got: " + contentType));
  }

  /** 422: an Idempotency-Key was used before with a different request. */
  public static ProblemException idempotencyKeyReused(String key) {
    return new ProblemException(new Problem(PREFIX + "idempotency-key-reused", "Idempotency key reused", 422,
        "Idempotency-Key '" + key + "' was used with a different request in the last 24 hours;"
            + " use a new key for a new request"));
  }

  /** 500: a bug or an unexpected failure; the details are in the server's log, never in the response. */
  public static Problem internal() {
    return new Problem(PREFIX + "internal", "Internal server error", 500,
        "the server failed unexpectedly; the failure is logged on the server. Retrying may not help");
  }

  /** 503: the database cannot be reached (or the server is stopping); retry later. */
  public static Problem unavailable(String detail) {
    return new Problem(PREFIX + "unavailable", "Service unavailable", 503, detail)
        .withHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
  }

  /** Any other status Javalin or Jetty raises (for example 400 for a bad URI). */
  public static Problem ofStatus(int status, String title, String detail) {
    return new Problem(PREFIX + "http-" + status, title, status, detail);
  }
}
