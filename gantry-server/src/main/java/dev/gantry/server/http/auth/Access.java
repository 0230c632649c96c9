package dev.gantry.server.http.auth;

import dev.gantry.server.auth.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Who may call a route. */
public sealed interface Access {
  /** Anyone, without a key: health checks and the API description. */
  record Open() implements Access {}

  /** Prometheus: the metrics key or an admin key, or anyone on this machine when no metrics key is set. */
  record Metrics() implements Access {}

  /** An API key with one of these roles. */
  record Keyed(Set<Role> roles) implements Access {
    public Keyed {
      roles = Set.copyOf(roles);
    }

    /** {@code producer or admin}, for messages. */
    public String describe() {
      return EnumSet.copyOf(roles).stream().map(Role::apiName).collect(Collectors.joining(" or "));
    }
  }

  static Access open() {
    return new Open();
  }

  static Access metrics() {
    return new Metrics();
  }

  static Access roles(Role first, Role... more) {
    return new Keyed(EnumSet.of(first, more));
  }
}
