package dev.gantry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Reads a request's JSON body, refusing bodies over the limit before reading them when their
 * length is declared, and as soon as the limit is passed when it is not (chunked bodies).
 */
public final class RequestBody {
  private final long maxBytes;

  public RequestBody(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** A JSON body: its bytes as received (for idempotency hashes) and its value. */
  public record Json(byte[] bytes, JsonNode value) {}

  /**
   * The body, parsed as JSON.
   *
   * @throws ProblemException 415 if it is not declared as JSON, 413 if it is too large, 400 if it is not JSON
   */
  public Json json(Context ctx) {
    String contentType = ctx.contentType();
    if (contentType == null || !isJson(contentType)) {
      throw Problems.unsupportedMediaType(contentType == null ? "no Content-Type" : contentType);
    }
    byte[] bytes = bytes(ctx);
    return new Json(bytes, ApiJson.parse(bytes));
  }

  /** The raw body (at most the limit). */
  public byte[] bytes(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw Problems.tooLarge(maxBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (body.length > maxBytes) {
        throw Problems.tooLarge(maxBytes);
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed: " + e.getMessage(), e);
    }
  }

  private static boolean isJson(String contentType) {
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
  }
}
