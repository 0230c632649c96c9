package dev.gantry.events;

import java.time.Duration;
import java.util.UUID;

/**
 * Something that happened to a job, as seen by this process. Enough to drive metrics: every
 * event names the job, its queue and its kind.
 */
public sealed interface JobEvent {
  UUID jobId();

  String queue();

  String kind();

  /** A job was inserted (for a transactional enqueue: before the caller commits). */
  record Enqueued(UUID jobId, String queue, String kind, boolean duplicate) implements JobEvent {}

  /** A worker claimed the job and its handler is starting. */
  record Started(UUID jobId, String queue, String kind, int attempt) implements JobEvent {}

  /** The handler returned and the result was stored. */
  record Completed(UUID jobId, String queue, String kind, int attempt, Duration runTime) implements JobEvent {}

  /** The attempt failed and the job will be retried after {@code retryIn}. */
  record Failed(UUID jobId, String queue, String kind, int attempt, String error, Duration retryIn)
      implements JobEvent {}

  /** The job failed for the last time (or permanently) and is dead. */
  record Dead(UUID jobId, String queue, String kind, int attempt, String error) implements JobEvent {}

  /** The job was cancelled: before it ran, while running, or by its handler. */
  record Cancelled(UUID jobId, String queue, String kind, int attempt) implements JobEvent {}

  /** The handler asked to run again later; no attempt was used up. */
  record Snoozed(UUID jobId, String queue, String kind, Duration delay) implements JobEvent {}

  /** The job was handed back unfinished at shutdown, to run again at once elsewhere. */
  record Released(UUID jobId, String queue, String kind) implements JobEvent {}

  /** This worker's lease was lost (the job was rescued or finished elsewhere); its outcome was dropped. */
  record LeaseLost(UUID jobId, String queue, String kind, int attempt) implements JobEvent {}

  /** A job whose worker's lease expired was taken back by the rescuer. */
  record Rescued(UUID jobId, String queue, String kind, int attempt, String outcome) implements JobEvent {}
}
