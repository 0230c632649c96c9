package dev.gantry.server.http.webhooks;

import dev.gantry.Gantry;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.PathIds;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.Responses;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.batches.BatchRoutes;
import dev.gantry.server.http.jobs.CallerJobs;
import dev.gantry.server.http.jobs.JobRoutes;
import dev.gantry.webhook.Webhooks;
import io.javalin.http.Context;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /v1/jobs/{id}/webhooks} and {@code GET /v1/batches/{id}/webhooks}: the webhook
 * deliveries of a job, or of a batch or workflow, with every attempt. A key reaches the deliveries
 * of what it may read: a job or batch it cannot reach (missing, or another tenant's) is a 404, as
 * on {@code GET /v1/jobs/{id}}, and a key limited to a tenant sees only that tenant's deliveries.
 */
public final class WebhookRoutes {
  private final Gantry gantry;

  public WebhookRoutes(Gantry gantry) {
    this.gantry = gantry;
  }

  /** {@code GET /v1/jobs/{id}/webhooks}. */
  public void jobDeliveries(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = JobRoutes.pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    CallerJobs.of(gantry, caller).job(id).orElseThrow(() -> JobRoutes.notFound(id));
    Responses.json(ctx, 200, WebhookDeliveryView.list(webhooksOf(caller).deliveries(id)));
  }

  /** {@code GET /v1/batches/{id}/webhooks} (workflows are batches). */
  public void batchDeliveries(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = PathIds.of(ctx, "batch");
    ApiKey caller = Authenticator.caller(ctx);
    var batches = caller.tenant() == null ? gantry.batches() : gantry.batches().forTenant(caller.tenant());
    batches.get(id).orElseThrow(() -> BatchRoutes.notFound(id));
    Responses.json(ctx, 200, WebhookDeliveryView.list(webhooksOf(caller).deliveries(id)));
  }

  private Webhooks webhooksOf(ApiKey key) {
    return key.tenant() == null ? gantry.webhooks() : gantry.webhooks().forTenant(key.tenant());
  }
}
