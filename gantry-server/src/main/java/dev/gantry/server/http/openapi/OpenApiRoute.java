package dev.gantry.server.http.openapi;

import dev.gantry.server.http.Responses;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the API's OpenAPI 3.1 description, written by hand as a resource
 * (the contract tests check that it and the server agree).
 */
public final class OpenApiRoute {
  public static final String RESOURCE = "/dev/gantry/server/http/openapi.json";

  private final byte[] document;

  public OpenApiRoute() {
    this.document = load();
  }

  /** The document's bytes, as served. */
  public static byte[] load() {
    try (InputStream in = OpenApiRoute.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void serve(Context ctx) {
    ctx.status(200).contentType(Responses.JSON).result(document);
  }
}
