package dev.gantry.server.auth;

/** What {@link KeyStore#authenticate} found for a presented key. */
public sealed interface Authentication {
  /** A valid key. */
  record Valid(ApiKey key) implements Authentication {}

  /** The right secret of a key that has been revoked. */
  record Revoked(ApiKey key) implements Authentication {}

  /** Not a key: malformed, unknown id, or wrong secret (deliberately not told apart). */
  record Invalid() implements Authentication {}
}
