package dev.gantry.watch;

import java.util.UUID;

/**
 * A live watch on one job, from {@link dev.gantry.Gantry#watch}. Closing it stops the calls: once
 * {@link #close()} returns, no call is running and none starts (closing from inside the callback
 * is allowed).
 */
public interface JobSubscription extends AutoCloseable {
  /** The watched job's id. */
  UUID jobId();

  /** Stops watching; idempotent. */
  @Override
  void close();
}
