package dev.gantry.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Turns a failure into the JSON entry appended to a job's errors (the time is added by the database). */
public final class ErrorJson {
  private static final int MAX_STACK_TRACE = 32_000;

  private ErrorJson() {}

  public static String of(ObjectMapper mapper, int attempt, Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    String stack = trace.toString();
    if (stack.length() > MAX_STACK_TRACE) {
      stack = stack.substring(0, MAX_STACK_TRACE) + "\n\t... (truncated)";
    }
    return of(mapper, attempt, error.getClass().getName(), error.getMessage(), stack);
  }

  public static String of(ObjectMapper mapper, int attempt, String errorClass, String message, String stackTrace) {
    ObjectNode node = mapper.createObjectNode();
    node.put("attempt", attempt);
    node.put("class", errorClass);
    node.put("message", message);
    node.put("stacktrace", stackTrace);
    return node.toString();
  }
}
