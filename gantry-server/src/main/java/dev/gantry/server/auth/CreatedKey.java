package dev.gantry.server.auth;

/**
 * A key just created, with the only copy of its token (the secret is stored as a hash and cannot
 * be shown again) and its webhook signing secret (which an admin can show again with
 * {@code gantry keys webhook-secret}).
 */
public record CreatedKey(ApiKey key, String token, String webhookSecret) {
  /** Never shows the token or the webhook secret. */
  @Override
  public String toString() {
    return "CreatedKey[key=" + key + "]";
  }
}
