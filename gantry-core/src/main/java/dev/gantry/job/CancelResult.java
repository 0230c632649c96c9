package dev.gantry.job;

/** What {@code cancel} did. */
public enum CancelResult {
  /** The job had not started; it is cancelled and will never run. */
  CANCELLED,
  /** The job is running; its handler is told ({@code isCancelled()}, interrupt) and it ends as cancelled. */
  CANCEL_REQUESTED,
  /** The job had already finished; nothing changed. */
  ALREADY_FINISHED
}
