package dev.gantry.server.auth;

/**
 * What {@link KeyStore#revoke} did.
 *
 * @param key the key as it is now (revoked)
 * @param alreadyRevoked true if it had been revoked before, so nothing changed
 */
public record Revocation(ApiKey key, boolean alreadyRevoked) {}
