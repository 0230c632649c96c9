package dev.gantry.examples.support;

import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchSubscription;
import dev.gantry.batch.Batches;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Waits for a batch (or a workflow, which is one) to finish, following it with
 * {@link Batches#watch}: woken by Gantry's NOTIFY on every change of its counts, never by polling.
 */
public final class BatchCompletion {
  private BatchCompletion() {}

  /**
   * Calls {@code onChange} with the batch as it is now and after each change of its counts, and
   * returns once it has finished.
   *
   * @param onChange called on the caller's thread first, then on Gantry's watch thread, one call at
   *     a time; the last call is the finished batch
   * @return the batch as it finished
   * @throws TimeoutException if it did not finish within {@code timeout}
   */
  public static Batch await(Batches batches, UUID batchId, Duration timeout, Consumer<Batch> onChange)
      throws InterruptedException, TimeoutException {
    CountDownLatch finished = new CountDownLatch(1);
    AtomicReference<Batch> last = new AtomicReference<>();
    BatchSubscription subscription = batches.watch(batchId, batch -> {
      onChange.accept(batch);
      if (batch.state().isFinished()) {
        last.set(batch);
        finished.countDown();
      }
    });
    try {
      if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("batch " + batchId + " did not finish within " + timeout);
      }
    } finally {
      subscription.close();
    }
    return last.get();
  }
}
