package dev.gantry.server.auth;

/**
 * A key just created, with the only copy of its token: the secret is stored as a hash and
 * cannot be shown again.
 */
public record CreatedKey(ApiKey key, String token) {}
