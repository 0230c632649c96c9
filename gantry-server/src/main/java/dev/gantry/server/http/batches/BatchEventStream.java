package dev.gantry.server.http.batches;

import dev.gantry.Gantry;
import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchSubscription;
import dev.gantry.batch.Batches;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.EventStreams;
import dev.gantry.server.http.LongRequests;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.auth.Authenticator;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /v1/batches/{id}/events}: a batch's progress as Server-Sent Events, driven by
 * {@link Batches#watch} (the database's NOTIFY, not polling): a progress bar's feed. The first
 * {@code batch} event is the batch as it is now; then one per change of its counts or state (a
 * burst of outcomes gives one event or a few, each with the counts as they then are); after the
 * event with a finished state the stream ends. Keep-alive comments and event ids work as on a
 * job's stream ({@link dev.gantry.server.http.jobs.JobEventStream}).
 */
public final class BatchEventStream {
  private final Gantry gantry;
  private final LongRequests longRequests;
  private final Duration keepAlive;
  private final AtomicInteger open = new AtomicInteger();

  public BatchEventStream(Gantry gantry, LongRequests longRequests, Duration keepAlive) {
    this.gantry = gantry;
    this.longRequests = longRequests;
    this.keepAlive = keepAlive;
  }

  /** How many batch streams are open now. */
  public int openStreams() {
    return open.get();
  }

  public void stream(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = BatchRoutes.pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    Batches batches = caller.tenant() == null ? gantry.batches() : gantry.batches().forTenant(caller.tenant());
    long firstId = EventStreams.lastEventId(ctx.header("Last-Event-ID")) + 1;
    longRequests.run(() -> {
      BlockingQueue<Batch> changes = new LinkedBlockingQueue<>();
      // Watching first: a batch this key cannot reach is a 404 problem, before any event is sent.
      BatchSubscription subscription = batches.watch(id, changes::add);
      open.incrementAndGet();
      try {
        EventStreams.send(ctx.res(), changes, firstId, keepAlive, "batch", BatchView::of,
            batch -> batch.state().isFinished());
      } finally {
        subscription.close();
        open.decrementAndGet();
      }
    });
  }
}
