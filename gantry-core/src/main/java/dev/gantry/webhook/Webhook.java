package dev.gantry.webhook;

import java.net.URI;
import java.util.Locale;

/**
 * The URL a job, batch or workflow calls once it has finished, and which secret signs the call.
 * Set with {@code JobOptions.withWebhook(URI)} or {@code BatchOptions.withWebhook(URI)}.
 *
 * @param url an absolute {@code http} or {@code https} URL with a host, without user info, at most
 *     {@value #MAX_URL_LENGTH} characters
 * @param signingKey which secret signs the deliveries: null for the delivering node's own
 *     ({@link WebhookSettings#withSecret(String)}), or a key that node's {@link SigningKeys}
 *     resolves (the HTTP server: the id of the API key that enqueued the job)
 */
public record Webhook(URI url, String signingKey) {
  public static final int MAX_URL_LENGTH = 2000;
  static final int MAX_SIGNING_KEY_LENGTH = 200;

  /**
   * @throws IllegalArgumentException naming {@code webhook_url} or {@code webhook signing key}
   *     and what is wrong with it
   */
  public Webhook {
    requireUrl(url);
    if (signingKey != null && (signingKey.isBlank() || signingKey.length() > MAX_SIGNING_KEY_LENGTH
        || signingKey.chars().anyMatch(Character::isISOControl))) {
      throw new IllegalArgumentException("webhook signing key must be 1 to " + MAX_SIGNING_KEY_LENGTH
          + " characters without control characters, or null for the delivering node's own secret");
    }
  }

  /** A webhook signed with the delivering node's own secret. */
  public static Webhook to(URI url) {
    return new Webhook(url, null);
  }

  /** The same URL, signed with this key's secret. */
  public Webhook signedWith(String signingKey) {
    return new Webhook(url, signingKey);
  }

  /**
   * Checks a webhook URL's form (not whether its host is allowed: see {@link HostAllowList}).
   *
   * @return the URL
   * @throws IllegalArgumentException naming {@code webhook_url} if it is null, not absolute, not
   *     http or https, has no host, carries user info ({@code user:password@}: it would be stored
   *     and shown with every delivery) or is longer than {@value #MAX_URL_LENGTH} characters
   */
  public static URI requireUrl(URI url) {
    if (url == null) {
      throw new IllegalArgumentException("webhook_url must be an absolute http or https URL, got none");
    }
    String text = url.toString();
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || url.isOpaque() || !("http".equals(scheme) || "https".equals(scheme))) {
      throw new IllegalArgumentException("webhook_url must be an absolute http or https URL, got: " + shown);
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("webhook_url must name a host (letters, digits, '-' and '.', or an IP"
          + " address), got: " + shown);
    }
    if (url.getRawUserInfo() != null) {
      throw new IllegalArgumentException("webhook_url must not contain user info (user:password@): it would be"
          + " stored and shown with every delivery; deliveries are signed instead (Gantry-Signature)");
    }
    if (text.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException("webhook_url must be at most " + MAX_URL_LENGTH + " characters, got "
          + text.length());
    }
    return url;
  }
}
