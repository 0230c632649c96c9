package dev.gantry.enqueue;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One job to enqueue: its kind (which handler runs it), its arguments (any Jackson-serialisable
 * value) and its options.
 */
public record JobRequest(String kind, Object args, JobOptions options) {
  private static final Pattern KIND = Pattern.compile("[A-Za-z0-9_.:/-]{1,200}");

  public JobRequest {
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException(
          "kind must be 1 to 200 characters of letters, digits, '_', '.', ':', '/' or '-', got: " + kind);
    }
    Objects.requireNonNull(options, "options");
  }

  public static JobRequest of(String kind, Object args) {
    return new JobRequest(kind, args, JobOptions.defaults());
  }

  public static JobRequest of(String kind, Object args, JobOptions options) {
    return new JobRequest(kind, args, options);
  }
}
