package dev.gantry.server.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API key may do. Roles do not include each other, except that {@link #ADMIN} may do
 * everything: a producer cannot claim jobs and a worker cannot enqueue them.
 */
public enum Role {
  /** Enqueues jobs, reads them, waits for them, and cancels them. */
  PRODUCER,
  /** Claims jobs and reports their heartbeats and outcomes (remote workers). */
  WORKER,
  /** Everything, including retrying and deleting jobs and reading queue counts. */
  ADMIN;

  /** The name used in the database, the CLI and the HTTP API: {@code producer}, {@code worker}, {@code admin}. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role with this name.
   *
   * @throws IllegalArgumentException naming the valid roles, if there is none
   */
  public static Role parse(String name) {
    for (Role r : values()) {
      if (r.apiName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role must be one of " + names() + ", got: " + name);
  }

  /** The valid names, for messages: {@code producer, worker, admin}. */
  public static String names() {
    return Arrays.stream(values()).map(Role::apiName).collect(Collectors.joining(", "));
  }
}
