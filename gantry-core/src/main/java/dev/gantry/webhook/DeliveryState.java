package dev.gantry.webhook;

import java.util.Locale;

/** Where a webhook delivery is: waiting to be (re)tried, delivered (a 2xx answer), or given up. */
public enum DeliveryState {
  /** Not delivered yet: due now or after its backoff. */
  PENDING,
  /** The receiver answered 2xx. */
  DELIVERED,
  /** Given up: out of attempts, refused by the receiver (4xx other than 408 and 429, or 3xx), or not allowed. */
  DEAD;

  /** The name stored in {@code webhook_deliveries.state} and shown by the HTTP API. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryState fromDb(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
