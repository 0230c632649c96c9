package dev.gantry.batch;

import java.util.UUID;

/** A watch on one batch ({@link Batches#watch}); close it to stop the calls. */
public interface BatchSubscription extends AutoCloseable {
  UUID batchId();

  /** Stops the calls; a call under way finishes first (unless this is that call). */
  @Override
  void close();
}
