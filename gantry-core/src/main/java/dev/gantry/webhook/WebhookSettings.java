package dev.gantry.webhook;

import dev.gantry.worker.ExponentialBackoff;
import dev.gantry.worker.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How webhooks are checked and delivered: set on {@code Gantry.builder(...).webhooks(...)} (the
 * allow-list then checks every webhook URL enqueued, and every worker node of that instance
 * delivers with these settings) or per node on {@code WorkerBuilder.webhooks(...)}.
 *
 * <p>A worker node with maintenance on delivers the deliveries it can sign: those without a
 * signing key when it has a {@link #secret()}, those with one when it has {@link #signingKeys()}.
 * A node with neither delivers nothing, so deliveries of jobs enqueued through the library wait,
 * pending, until a node with the secret runs. {@link #toString()} never shows the secret.
 *
 * @param secret signs deliveries whose webhook names no signing key (at least
 *     {@value #MIN_SECRET_LENGTH} characters), or null
 * @param signingKeys resolves the secrets of deliveries whose webhook names a signing key (the
 *     HTTP server: API keys), or null
 * @param allowedHosts the hosts webhooks may call; {@link HostAllowList#anyPublicHost()} by default
 * @param retry how many attempts a delivery gets and the backoff after each failed one (5xx, 408,
 *     429, a timeout or a connection failure); default 10 s doubling to at most 1 h, ±20 %, 16
 *     attempts (about 7 hours in all)
 * @param connectTimeout how long connecting may take; default 5 s
 * @param requestTimeout how long the receiver may take to answer; default 10 s
 * @param pollInterval how often a node looks for due deliveries; default 1 s
 * @param batchSize most deliveries one node sends at once (in parallel); default 20
 * @param retention how long delivered and dead deliveries are kept before they are pruned; default 7 days
 */
public record WebhookSettings(
    String secret,
    SigningKeys signingKeys,
    HostAllowList allowedHosts,
    RetryPolicy retry,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration pollInterval,
    int batchSize,
    Duration retention) {

  public static final int MIN_SECRET_LENGTH = 16;

  public WebhookSettings {
    if (secret != null && (secret.length() < MIN_SECRET_LENGTH || secret.isBlank())) {
      throw new IllegalArgumentException("webhook secret must be at least " + MIN_SECRET_LENGTH + " characters long");
    }
    Objects.requireNonNull(allowedHosts, "allowedHosts");
    Objects.requireNonNull(retry, "retry");
    positive(connectTimeout, "connectTimeout");
    positive(requestTimeout, "requestTimeout");
    positive(pollInterval, "pollInterval");
    positive(retention, "retention");
    if (batchSize < 1 || batchSize > 1_000) {
      throw new IllegalArgumentException("webhook batchSize must be between 1 and 1000, got " + batchSize);
    }
  }

  /** No secret or signing keys (nothing is delivered), any public host, and the defaults above. */
  public static WebhookSettings defaults() {
    return new WebhookSettings(null, null, HostAllowList.anyPublicHost(),
        new ExponentialBackoff(Duration.ofSeconds(10), Duration.ofHours(1), 0.2, 16), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(1), 20, Duration.ofDays(7));
  }

  /** Whether a node with these settings can sign, and so deliver, anything. */
  public boolean canSign() {
    return secret != null || signingKeys != null;
  }

  /** The secret that signs deliveries without a signing key; see {@link WebhookSignature}. */
  public WebhookSettings withSecret(String secret) {
    return new WebhookSettings(Objects.requireNonNull(secret, "secret"), signingKeys, allowedHosts, retry,
        connectTimeout, requestTimeout, pollInterval, batchSize, retention);
  }

  public WebhookSettings withSigningKeys(SigningKeys signingKeys) {
    return new WebhookSettings(secret, Objects.requireNonNull(signingKeys, "signingKeys"), allowedHosts, retry,
        connectTimeout, requestTimeout, pollInterval, batchSize, retention);
  }

  public WebhookSettings withAllowedHosts(HostAllowList allowedHosts) {
    return new WebhookSettings(secret, signingKeys, allowedHosts, retry, connectTimeout, requestTimeout,
        pollInterval, batchSize, retention);
  }

  public WebhookSettings withRetry(RetryPolicy retry) {
    return new WebhookSettings(secret, signingKeys, allowedHosts, retry, connectTimeout, requestTimeout,
        pollInterval, batchSize, retention);
  }

  public WebhookSettings withTimeouts(Duration connectTimeout, Duration requestTimeout) {
    return new WebhookSettings(secret, signingKeys, allowedHosts, retry, connectTimeout, requestTimeout,
        pollInterval, batchSize, retention);
  }

  public WebhookSettings withPollInterval(Duration pollInterval) {
    return new WebhookSettings(secret, signingKeys, allowedHosts, retry, connectTimeout, requestTimeout,
        pollInterval, batchSize, retention);
  }

  public WebhookSettings withBatchSize(int batchSize) {
    return new WebhookSettings(secret, signingKeys, allowedHosts, retry, connectTimeout, requestTimeout,
        pollInterval, batchSize, retention);
  }

  public WebhookSettings withRetention(Duration retention) {
    return new WebhookSettings(secret, signingKeys, allowedHosts, retry, connectTimeout, requestTimeout,
        pollInterval, batchSize, retention);
  }

  /**
   * How long a claimed attempt may run before another node may try the delivery again: longer
   * than connecting, looking the host up and waiting for the answer together.
   */
  Duration claimLease() {
    return connectTimeout.plus(requestTimeout).multipliedBy(2).plusSeconds(5);
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("webhook " + name + " must be a positive duration, got " + d);
    }
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "WebhookSettings[secret=" + (secret == null ? "none" : "set") + ", signingKeys="
        + (signingKeys == null ? "none" : "set") + ", allowedHosts=" + allowedHosts + ", retry=" + retry
        + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", pollInterval="
        + pollInterval + ", batchSize=" + batchSize + ", retention=" + retention + "]";
  }
}
