package dev.gantry.server.http.webhooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.server.http.ApiJson;
import dev.gantry.webhook.DeliveryAttempt;
import dev.gantry.webhook.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Webhook deliveries as the API shows them ({@code WebhookDelivery} in {@code openapi.json}):
 * snake_case fields, ISO-8601 timestamps, durations in milliseconds as the attempt log has them.
 */
public final class WebhookDeliveryView {
  private WebhookDeliveryView() {}

  /** {@code {"deliveries": [...]}}, oldest first. */
  public static ObjectNode list(List<WebhookDelivery> deliveries) {
    ObjectNode o = ApiJson.object();
    ArrayNode array = o.putArray("deliveries");
    deliveries.forEach(d -> array.add(of(d)));
    return o;
  }

  public static ObjectNode of(WebhookDelivery d) {
    ObjectNode o = ApiJson.object();
    o.put("id", d.id().toString());
    o.put("subject", d.subject());
    o.put("subject_id", d.subjectId().toString());
    o.put("tenant", d.tenant());
    o.put("url", d.url().toString());
    o.put("event", d.event());
    o.put("state", d.state().dbName());
    o.put("attempt", d.attempt());
    o.put("next_attempt_at", text(d.nextAttemptAt()));
    o.put("last_status_code", d.lastStatusCode());
    o.put("last_error", d.lastError());
    o.put("created_at", text(d.createdAt()));
    o.put("delivered_at", text(d.deliveredAt()));
    ArrayNode attempts = o.putArray("attempts");
    for (DeliveryAttempt a : d.attempts()) {
      ObjectNode attempt = attempts.addObject();
      attempt.put("attempt", a.attempt());
      attempt.put("at", text(a.at()));
      attempt.put("status_code", a.statusCode());
      attempt.put("error", a.error());
      attempt.put("duration_ms", a.duration().toMillis());
      attempt.put("retry_in_ms", millis(a.retryIn()));
    }
    o.set("payload", d.payload());
    return o;
  }

  private static Long millis(Duration d) {
    return d == null ? null : d.toMillis();
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
