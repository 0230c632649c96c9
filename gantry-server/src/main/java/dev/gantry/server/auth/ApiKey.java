package dev.gantry.server.auth;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as stored, without its secret. Timestamps come from the database clock.
 *
 * @param tenant the tenant the key is limited to, or null for none
 * @param revokedAt when it was revoked, or null while it is valid
 * @param lastUsedAt roughly when it last authenticated a request (updated at most once a minute), or null
 */
public record ApiKey(UUID id, String name, Role role, String tenant, Instant createdAt, Instant revokedAt,
    Instant lastUsedAt) {

  /** The key's id as it appears in its token: 26 characters of lower-case base32. */
  public String shortId() {
    return ApiKeyToken.encodeId(id);
  }

  public boolean revoked() {
    return revokedAt != null;
  }
}
