package dev.gantry.server.http.queues;

import dev.gantry.Gantry;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.limits.Limits;
import dev.gantry.limits.QueueLimit;
import dev.gantry.server.http.GantryChecks;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.RequestBody;
import dev.gantry.server.http.Responses;
import io.javalin.http.Context;
import java.util.Set;

/**
 * {@code /v1/queues/{queue}/limits}: set, read and lift a queue's limits (concurrency across every
 * node, per partition, and starts per period), through Gantry's {@link Limits}. For admin keys not
 * limited to a tenant: a queue's limits hold for every tenant's jobs.
 */
public final class QueueLimitRoutes {
  private final Gantry gantry;
  private final RequestBody body;

  public QueueLimitRoutes(Gantry gantry, RequestBody body) {
    this.gantry = gantry;
    this.body = body;
  }

  /**
   * {@code PUT /v1/queues/{queue}/limits}: 200 with the limits as stored, replacing any the queue
   * had (a field left out is no limit). Every node claims under them from its next claim on.
   */
  public void put(Context ctx) {
    QueryParams.of(ctx, Set.of());
    String queue = pathQueue(ctx);
    QueueLimit limit = QueueLimitRequests.read(queue, body.json(ctx).value());
    QueueLimit stored;
    try {
      stored = gantry.limits().set(limit);
    } catch (IllegalArgumentException e) {
      throw GantryChecks.invalid(e);
    }
    Responses.json(ctx, 200, QueueLimitView.of(stored));
  }

  /** {@code GET /v1/queues/{queue}/limits}: the queue's limits, or 404 when it has none. */
  public void get(Context ctx) {
    QueryParams.of(ctx, Set.of());
    String queue = pathQueue(ctx);
    QueueLimit limit = gantry.limits().get(queue).orElseThrow(() -> noLimits(queue));
    Responses.json(ctx, 200, QueueLimitView.of(limit));
  }

  /** {@code DELETE /v1/queues/{queue}/limits}: 204, the queue's jobs claimed freely again; 404 when it had none. */
  public void delete(Context ctx) {
    QueryParams.of(ctx, Set.of());
    String queue = pathQueue(ctx);
    if (!gantry.limits().remove(queue)) {
      throw noLimits(queue);
    }
    ctx.status(204);
  }

  private static ProblemException noLimits(String queue) {
    return Problems.notFound("queue " + queue + " has no limits");
  }

  /** @throws ProblemException 400 naming {@code queue} if it is not a queue name */
  private static String pathQueue(Context ctx) {
    String queue = ctx.pathParam("queue");
    try {
      return JobOptions.requireQueueName(queue);
    } catch (IllegalArgumentException e) {
      throw Problems.invalid("queue", e.getMessage().replaceFirst("^queue ", ""));
    }
  }
}
