package dev.gantry.webhook;

import java.util.Optional;

/**
 * Resolves the secret of a named signing key, for deliveries whose {@link Webhook#signingKey()}
 * is set. The HTTP server resolves API key ids to their webhook secrets; a library application
 * that signs with one secret of its own needs none of this ({@link WebhookSettings#withSecret}).
 */
@FunctionalInterface
public interface SigningKeys {
  /**
   * The key's secret.
   *
   * @return the secret, or empty when there is no such key: its deliveries are then dead at once
   *     ("no signing secret"), since no later attempt could sign them
   * @throws dev.gantry.GantryException if the secret cannot be read now (database down): the
   *     attempt fails and is retried with backoff
   */
  Optional<String> secret(String signingKey);
}
