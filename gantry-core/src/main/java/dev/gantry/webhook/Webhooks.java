package dev.gantry.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Webhooks of one Gantry instance: the deliveries made for finished jobs and batches, and the
 * host allow-list every webhook URL enqueued through this instance is checked against. Get one
 * from {@code Gantry.webhooks()}.
 *
 * <p>A job or batch with a webhook gets one delivery each time it finishes (a job retried by an
 * operator finishes, and calls its webhook, again); one without gets none. Deliveries are sent by
 * worker nodes ({@link WebhookDeliverer}); see {@link WebhookSettings} for which.
 *
 * <p>Thread-safe. An instance scoped to a tenant ({@link #forTenant}) sees only that tenant's
 * deliveries.
 */
public final class Webhooks {
  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;
  private final WebhookSettings settings;
  private final String tenant;

  /** For Gantry's own wiring; applications use {@code Gantry.webhooks()}. */
  public Webhooks(Db db, Sql sql, ObjectMapper mapper, WebhookSettings settings, String tenant) {
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
    this.settings = settings;
    this.tenant = tenant;
  }

  /** The same, limited to one tenant's deliveries. */
  public Webhooks forTenant(String tenant) {
    return new Webhooks(db, sql, mapper, settings, Objects.requireNonNull(tenant, "tenant"));
  }

  /** The hosts webhooks enqueued through this instance may call. */
  public HostAllowList allowedHosts() {
    return settings.allowedHosts();
  }

  /**
   * The deliveries about a job or batch (or workflow), oldest first, each with every attempt made
   * so far; empty when it has none (no webhook, not finished yet, or pruned), or when it is another
   * tenant's and this instance is scoped to a tenant.
   *
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public List<WebhookDelivery> deliveries(UUID subjectId) {
    Objects.requireNonNull(subjectId, "subjectId");
    return db.run("reading the webhook deliveries of " + subjectId, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.get("webhook_deliveries"))) {
        ps.setObject(1, subjectId);
        ps.setString(2, tenant);
        ps.setString(3, tenant);
        List<WebhookDelivery> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(map(rs));
          }
        }
        return List.copyOf(out);
      }
    });
  }

  private WebhookDelivery map(ResultSet rs) throws SQLException {
    int code = rs.getInt("last_status_code");
    Integer lastStatus = rs.wasNull() ? null : code;
    DeliveryState state = DeliveryState.fromDb(rs.getString("state"));
    return new WebhookDelivery(
        rs.getObject("id", UUID.class),
        rs.getString("subject"),
        rs.getObject("subject_id", UUID.class),
        rs.getString("tenant"),
        URI.create(rs.getString("url")),
        rs.getString("event"),
        Json.read(mapper, rs.getString("payload")),
        state,
        rs.getInt("attempt"),
        state == DeliveryState.PENDING ? instant(rs.getTimestamp("next_attempt_at")) : null,
        lastStatus,
        rs.getString("last_error"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("delivered_at")),
        attempts(Json.read(mapper, rs.getString("attempts"))));
  }

  private static List<DeliveryAttempt> attempts(JsonNode log) {
    List<DeliveryAttempt> out = new ArrayList<>();
    for (JsonNode a : log) {
      out.add(new DeliveryAttempt(
          a.path("attempt").asInt(),
          a.hasNonNull("at") ? OffsetDateTime.parse(a.get("at").asText()).toInstant() : null,
          a.hasNonNull("status_code") ? a.get("status_code").asInt() : null,
          a.path("error").asText(null),
          Duration.ofMillis(a.path("duration_ms").asLong()),
          a.hasNonNull("retry_in_ms") ? Duration.ofMillis(a.get("retry_in_ms").asLong()) : null));
    }
    return List.copyOf(out);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
