package dev.gantry.server.http.batches;

import dev.gantry.Gantry;
import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchSubscription;
import dev.gantry.batch.Batches;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.LongRequests;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.jobs.JobEventStream;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /v1/batches/{id}/events}: a batch's progress as Server-Sent Events, driven by
 * {@link Batches#watch} (the database's NOTIFY, not polling): a progress bar's feed. The first
 * {@code batch} event is the batch as it is now; then one per change of its counts or state (a
 * burst of outcomes gives one event or a few, each with the counts as they then are); after the
 * event with a finished state the stream ends. Keep-alive comments and event ids work as on a
 * job's stream ({@link JobEventStream}).
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
    long firstId = JobEventStream.lastEventId(ctx.header("Last-Event-ID")) + 1;
    longRequests.run(() -> {
      BlockingQueue<Batch> changes = new LinkedBlockingQueue<>();
      // Watching first: a batch this key cannot reach is a 404 problem, before any event is sent.
      BatchSubscription subscription;
      try {
        subscription = batches.watch(id, changes::add);
      } catch (dev.gantry.batch.BatchNotFoundException e) {
        throw BatchRoutes.notFound(id);
      }
      open.incrementAndGet();
      try {
        send(ctx.res(), changes, firstId);
      } finally {
        subscription.close();
        open.decrementAndGet();
      }
    });
  }

  private void send(HttpServletResponse res, BlockingQueue<Batch> changes, long firstId) {
    res.setStatus(200);
    res.setContentType(JobEventStream.CONTENT_TYPE);
    res.setCharacterEncoding("UTF-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    long eventId = firstId;
    try {
      OutputStream out = res.getOutputStream();
      while (true) {
        Batch batch = changes.poll(keepAlive.toNanos(), TimeUnit.NANOSECONDS);
        if (batch == null) {
          write(out, ": keep-alive\n\n");
          continue;
        }
        String data = new String(ApiJson.write(BatchView.of(batch)), StandardCharsets.UTF_8);
        write(out, "id: " + eventId++ + "\nevent: batch\ndata: " + data + "\n\n");
        if (batch.state().isFinished()) {
          return;
        }
      }
    } catch (IOException clientGone) {
      // The client closed the stream; the watch closes as this request ends.
    } catch (InterruptedException serverStopping) {
      // The response has begun: the stream just ends, and the client reconnects.
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
