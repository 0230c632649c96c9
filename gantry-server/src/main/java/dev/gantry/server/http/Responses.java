package dev.gantry.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** Writes JSON and problem responses. */
public final class Responses {
  public static final String JSON = "application/json";

  private Responses() {}

  public static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType(JSON).result(ApiJson.write(body));
  }

  /** The problem as {@code application/problem+json}, with its headers. */
  public static void problem(Context ctx, Problem problem, String instance) {
    ObjectNode body = ApiJson.object();
    body.put("type", problem.type());
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    if (instance != null) {
      body.put("instance", instance);
    }
    if (!problem.errors().isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (FieldError e : problem.errors()) {
        errors.addObject().put("field", e.field()).put("message", e.message());
      }
    }
    problem.headers().forEach(ctx::header);
    ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(ApiJson.write(body));
  }
}
