package dev.gantry.server.http;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gantry's own checks as 400 problems. They throw {@link IllegalArgumentException} with a message
 * that starts with the field at fault ({@code jobs[3].tenant: ...}, {@code steps[2].depends_on[0]:
 * ...}); that field becomes the problem's. Routes use it for the checks their own reading of the
 * request did not make first (the graph of a workflow, a tenant seen only once the key is known).
 */
public final class GantryChecks {
  /** A field path: names, each optionally indexed, joined by dots. */
  private static final Pattern FIELD_PREFIX =
      Pattern.compile("([a-z_]+(?:\\[\\d+])?(?:\\.[a-z_]+(?:\\[\\d+])?)*): (.+)", Pattern.DOTALL);

  private GantryChecks() {}

  /** The check's message as an error naming its field, or the body when the message names none. */
  public static FieldError fieldError(IllegalArgumentException e) {
    String message = e.getMessage() == null ? "is not valid" : e.getMessage();
    Matcher m = FIELD_PREFIX.matcher(message);
    return m.matches() ? new FieldError(m.group(1), m.group(2)) : new FieldError("(body)", message);
  }

  /** The check's refusal as a 400 problem naming its field. */
  public static ProblemException invalid(IllegalArgumentException e) {
    return Problems.invalid(List.of(fieldError(e)));
  }
}
