package dev.gantry.server.auth;

import dev.gantry.webhook.SigningKeys;
import java.util.Optional;
import java.util.UUID;

/**
 * The signing keys of webhooks enqueued over HTTP: each API key's webhook secret, by the key's
 * id (the signing key the server stamps on the jobs and batches a key enqueues). A key made
 * before webhooks existed gets its secret the first time one is needed.
 */
public final class WebhookSecrets implements SigningKeys {
  /** Every webhook secret starts with this, so that it is recognised wherever it turns up. */
  public static final String PREFIX = "whsec_";

  private final KeyStore keys;

  public WebhookSecrets(KeyStore keys) {
    this.keys = keys;
  }

  /** A new secret: {@value #PREFIX} and 256 random bits ({@link ApiKeyToken#newSecret()}). */
  public static String newSecret() {
    return PREFIX + ApiKeyToken.newSecret();
  }

  /** The signing key of webhooks enqueued with this API key. */
  public static String signingKeyOf(ApiKey key) {
    return key.id().toString();
  }

  /**
   * @return the key's webhook secret, or empty when no API key has this id (it is not a UUID, or
   *     the key was deleted)
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  @Override
  public Optional<String> secret(String signingKey) {
    UUID id;
    try {
      id = UUID.fromString(signingKey);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not one of ours: no API key signs it
    }
    return keys.webhookSecret(id);
  }
}
