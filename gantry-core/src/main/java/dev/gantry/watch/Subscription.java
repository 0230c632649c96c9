package dev.gantry.watch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobReader;
import dev.gantry.job.JobState;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One subscriber's watch on one job: a {@link LatestDelivery} of the job, which calls only when
 * something a watcher reports changed (a lease renewal or a repeated notification calls nobody).
 */
final class Subscription implements JobSubscription {
  /** What a call reports: a new value of any of these is a change worth a call. */
  private record Snapshot(JobState state, int attempt, Instant scheduledAt, Instant attemptedAt, Integer progressPercent,
      String progressMessage, JsonNode progressItems, boolean cancelRequested, Instant finishedAt) {
    static Snapshot of(Job j) {
      return new Snapshot(j.state(), j.attempt(), j.scheduledAt(), j.attemptedAt(), j.progressPercent(),
          j.progressMessage(), j.progressItems(), j.cancelRequested(), j.finishedAt());
    }
  }

  private final UUID id;
  private final Consumer<Subscription> onClose;
  private final LatestDelivery<Job> delivery;

  Subscription(UUID id, String tenant, Consumer<Job> onChange, JobReader reader, Executor executor,
      Consumer<Subscription> onClose) {
    this.id = id;
    this.onClose = onClose;
    // A deleted job reads as empty: it has nothing more to report; its subscription stays open but silent.
    this.delivery = new LatestDelivery<>("job " + id, () -> reader.find(id, tenant), Snapshot::of, onChange, executor);
  }

  @Override
  public UUID jobId() {
    return id;
  }

  void deliverFirst(Job job) {
    delivery.deliverFirst(job);
  }

  void signal() {
    delivery.signal();
  }

  @Override
  public void close() {
    if (delivery.markClosed()) {
      onClose.accept(this);
      delivery.awaitCall();
    }
  }
}
