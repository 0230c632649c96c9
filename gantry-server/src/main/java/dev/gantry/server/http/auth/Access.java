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

  /**
   * An API key with one of these roles.
   *
   * @param everyTenant the route shows or changes every tenant's data (queue counts), so a key
   *     limited to a tenant may not use it whatever its role
   */
  record Keyed(Set<Role> roles, boolean everyTenant) implements Access {
    public Keyed {
      roles = Set.copyOf(roles);
    }

    /** The same roles, and keys limited to a tenant refused. */
    public Keyed coveringEveryTenant() {
      return new Keyed(roles, true);
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

  /** A key with one of these roles; a key limited to a tenant reaches only its tenant's jobs. */
  static Keyed roles(Role first, Role... more) {
    return new Keyed(EnumSet.of(first, more), false);
  }
}
