package dev.gantry.server.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;

/** The {@code {id}} of a request's path: a job's, a batch's or a workflow's. */
public final class PathIds {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private PathIds() {}

  /**
   * The id of the request's path.
   *
   * @param what whose id it is, for the message ("job", "batch", "workflow")
   * @throws ProblemException 400 naming {@code id} if it is not a UUID
   */
  public static UUID of(Context ctx, String what) {
    String text = ctx.pathParam("id");
    if (!UUID_TEXT.matcher(text).matches()) {
      throw Problems.invalid("id", "must be a " + what + " id (a UUID such as 0190f2d4-5b6e-7c3a-9d1e-2f4a6b8c0d1e), got '"
          + text + "'");
    }
    return UUID.fromString(text);
  }
}
