package dev.gantry.server.http;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's query parameters, checked against the ones its route knows: an unknown or
 * repeated parameter is an error (a typo such as {@code stat=dead} would otherwise silently list
 * everything).
 */
public final class QueryParams {
  private final Map<String, List<String>> values;

  private QueryParams(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * @throws ProblemException 400 naming every unknown or repeated parameter
   */
  public static QueryParams of(Context ctx, Set<String> known) {
    Map<String, List<String>> values = ctx.queryParamMap();
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : values.entrySet()) {
      if (!known.contains(e.getKey())) {
        errors.add(new FieldError(e.getKey(), "is not a known query parameter; known ones are "
            + String.join(", ", new TreeSet<>(known))));
      } else if (e.getValue().size() > 1) {
        errors.add(new FieldError(e.getKey(), "must be given at most once"));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new QueryParams(values);
  }

  /** The parameter's value, or null when it is absent or empty. */
  public String get(String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }
}
