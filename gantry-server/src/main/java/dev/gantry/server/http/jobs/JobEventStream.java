package dev.gantry.server.http.jobs;

import dev.gantry.Gantry;
import dev.gantry.job.Job;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.EventStreams;
import dev.gantry.server.http.LongRequests;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.watch.JobSubscription;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /v1/jobs/{id}/events}: a job's changes as Server-Sent Events, driven by
 * {@link Gantry#watch} (the database's NOTIFY, not polling). The first event is the job as it is
 * now; then one {@code job} event per change of its state or progress, each with the job's JSON
 * and an increasing {@code id}; after the event with a finished state the stream ends. A comment
 * line every keep-alive interval keeps proxies from closing an idle stream and finds clients that
 * went away: the write fails, and the watch is closed.
 *
 * <p>A client that reconnects with {@code Last-Event-ID} gets ids counting on from it, and the job
 * as it is then (changes in between are not replayed: each event carries the whole job).
 */
public final class JobEventStream {
  private final Gantry gantry;
  private final LongRequests longRequests;
  private final Duration keepAlive;
  private final AtomicInteger open = new AtomicInteger();

  /** @param keepAlive how long a stream may stay silent before a keep-alive comment is sent */
  public JobEventStream(Gantry gantry, LongRequests longRequests, Duration keepAlive) {
    this.gantry = gantry;
    this.longRequests = longRequests;
    this.keepAlive = keepAlive;
  }

  /** How many streams are open now: each holds one watch, counted until the watch is closed. */
  public int openStreams() {
    return open.get();
  }

  public void stream(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = JobRoutes.pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    boolean stackTraces = JobRoutes.seesStackTraces(caller);
    long firstId = EventStreams.lastEventId(ctx.header("Last-Event-ID")) + 1;
    CallerJobs jobs = CallerJobs.of(gantry, caller);
    longRequests.run(() -> {
      BlockingQueue<Job> changes = new LinkedBlockingQueue<>();
      // Watching first: a job this key cannot reach is a 404 problem, before any event is sent.
      JobSubscription subscription = jobs.watch(id, changes::add);
      open.incrementAndGet();
      try {
        EventStreams.send(ctx.res(), changes, firstId, keepAlive, "job", job -> JobView.of(job, stackTraces),
            job -> job.state().isFinished());
      } finally {
        subscription.close();
        open.decrementAndGet();
      }
    });
  }
}
