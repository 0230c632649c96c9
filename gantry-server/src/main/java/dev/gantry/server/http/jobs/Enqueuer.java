package dev.gantry.server.http.jobs;

import dev.gantry.Gantry;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.Job;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.jobs.IdempotentTransaction.Reply;
import dev.gantry.server.http.jobs.IdempotentTransaction.Written;
import dev.gantry.server.http.metrics.ServerMetrics;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * Enqueues the jobs of one request in one transaction with, when the request has an
 * {@link IdempotencyKey}, the key and the response ({@link IdempotentTransaction}), and counts
 * the new jobs once committed.
 */
final class Enqueuer {
  /** The outcome of an enqueue, for building the response. */
  record Enqueued(List<EnqueueResult> results, List<Job> jobs) {}

  private final Gantry gantry;
  private final IdempotentTransaction transaction;
  private final ServerMetrics metrics;

  Enqueuer(Gantry gantry, IdempotentTransaction transaction, ServerMetrics metrics) {
    this.gantry = gantry;
    this.transaction = transaction;
    this.metrics = metrics;
  }

  /**
   * Enqueues the requests (one statement) and builds the response with {@code respond}.
   *
   * @param key the request's idempotency key, or null
   * @throws dev.gantry.server.http.ProblemException 422 if the key was used with another request
   * @throws dev.gantry.GantryException if the database fails; nothing was enqueued or stored
   */
  Reply enqueue(ApiKey caller, IdempotencyKey key, List<JobRequest> requests, Function<Enqueued, Reply> respond) {
    String what = "enqueueing " + requests.size() + " job" + (requests.size() == 1 ? "" : "s") + " over HTTP";
    Written<List<EnqueueResult>> done = transaction.run(what, caller, key, c -> {
      List<EnqueueResult> results = gantry.enqueueAll(c, requests);
      List<Job> jobs = gantry.jobs(c, results.stream().map(EnqueueResult::id).toList());
      if (jobs.size() != results.size()) {
        throw new SQLException("enqueued jobs cannot be read back in the same transaction");
      }
      return new Written<>(results, respond.apply(new Enqueued(results, jobs)));
    });
    // Counted once committed; a replay enqueued nothing, and duplicates of an existing unique key are not new jobs.
    if (done.made() != null) {
      for (int i = 0; i < done.made().size(); i++) {
        if (!done.made().get(i).duplicate()) {
          metrics.countEnqueued(requests.get(i).options().queue(), requests.get(i).kind());
        }
      }
    }
    return done.reply();
  }
}
