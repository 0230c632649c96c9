package dev.gantry.server.http;

import java.time.Duration;

/**
 * How a {@link GantryServer} listens and behaves.
 *
 * @param host the address to listen on; {@code 127.0.0.1} (the default) accepts only local clients
 * @param port the TCP port; 0 picks a free one ({@link GantryServer#port()} tells which)
 * @param maxBodyBytes the largest request body accepted; larger ones get 413
 * @param metricsKey the bearer token Prometheus presents on {@code /metrics}, or null: then
 *     {@code /metrics} is open to clients on this machine (loopback addresses) only
 * @param maintenance whether the server stages due jobs, rescues expired leases and prunes
 *     finished jobs and old idempotency keys (true unless another node does it)
 * @param queueDepthInterval how often the queue depth gauges are read from the database
 * @param keepAliveInterval how long an event stream may stay silent before a keep-alive comment is
 *     sent (which also finds clients that went away)
 */
public record ServerSettings(String host, int port, long maxBodyBytes, String metricsKey, boolean maintenance,
    Duration queueDepthInterval, Duration keepAliveInterval) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  /** Metrics keys shorter than this are too easy to guess. */
  public static final int MIN_METRICS_KEY_LENGTH = 16;

  public ServerSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be an address or host name such as 127.0.0.1 or 0.0.0.0");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, got " + port);
    }
    if (maxBodyBytes < 1024 || maxBodyBytes > 256L * 1024 * 1024) {
      throw new IllegalArgumentException("max body bytes must be between 1024 and 268435456 (256 MiB), got " + maxBodyBytes);
    }
    if (metricsKey != null && (metricsKey.length() < MIN_METRICS_KEY_LENGTH || metricsKey.isBlank())) {
      throw new IllegalArgumentException("metrics key must be at least " + MIN_METRICS_KEY_LENGTH + " characters long");
    }
    if (queueDepthInterval == null || queueDepthInterval.isNegative() || queueDepthInterval.isZero()) {
      throw new IllegalArgumentException("queue depth interval must be a positive duration, got " + queueDepthInterval);
    }
    // Under the connection's idle timeout (90 s), or an idle stream would be cut.
    if (keepAliveInterval == null || keepAliveInterval.compareTo(Duration.ofMillis(10)) < 0
        || keepAliveInterval.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("keep-alive interval must be between 10 ms and 60 s, got " + keepAliveInterval);
    }
  }

  /** 127.0.0.1:8080, 1 MiB bodies, no metrics key, maintenance on, queue depths every 5 s, keep-alives every 15 s. */
  public static ServerSettings defaults() {
    return new ServerSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, null, true, Duration.ofSeconds(5),
        Duration.ofSeconds(15));
  }

  public ServerSettings withHost(String host) {
    return new ServerSettings(host, port, maxBodyBytes, metricsKey, maintenance, queueDepthInterval, keepAliveInterval);
  }

  public ServerSettings withPort(int port) {
    return new ServerSettings(host, port, maxBodyBytes, metricsKey, maintenance, queueDepthInterval, keepAliveInterval);
  }

  public ServerSettings withMaxBodyBytes(long maxBodyBytes) {
    return new ServerSettings(host, port, maxBodyBytes, metricsKey, maintenance, queueDepthInterval, keepAliveInterval);
  }

  public ServerSettings withMetricsKey(String metricsKey) {
    return new ServerSettings(host, port, maxBodyBytes, metricsKey, maintenance, queueDepthInterval, keepAliveInterval);
  }

  public ServerSettings withMaintenance(boolean maintenance) {
    return new ServerSettings(host, port, maxBodyBytes, metricsKey, maintenance, queueDepthInterval, keepAliveInterval);
  }

  public ServerSettings withQueueDepthInterval(Duration queueDepthInterval) {
    return new ServerSettings(host, port, maxBodyBytes, metricsKey, maintenance, queueDepthInterval, keepAliveInterval);
  }

  public ServerSettings withKeepAliveInterval(Duration keepAliveInterval) {
    return new ServerSettings(host, port, maxBodyBytes, metricsKey, maintenance, queueDepthInterval, keepAliveInterval);
  }

  /** Never prints the metrics key. */
  @Override
  public String toString() {
    return "ServerSettings[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", metricsKey="
        + (metricsKey == null ? "none" : "set") + ", maintenance=" + maintenance + ", queueDepthInterval="
        + queueDepthInterval + ", keepAliveInterval=" + keepAliveInterval + "]";
  }
}
