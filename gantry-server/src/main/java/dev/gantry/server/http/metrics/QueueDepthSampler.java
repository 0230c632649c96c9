package dev.gantry.server.http.metrics;

import dev.gantry.Gantry;
import dev.gantry.GantryException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the job counts per queue and state at a fixed interval for the queue depth gauges, so
 * that however often Prometheus scrapes, the database is asked at most once per interval.
 */
public final class QueueDepthSampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueueDepthSampler.class);

  private final Gantry gantry;
  private final ServerMetrics metrics;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("gantry-queue-depth").factory());

  public QueueDepthSampler(Gantry gantry, ServerMetrics metrics) {
    this.gantry = gantry;
    this.metrics = metrics;
  }

  public void start(Duration interval) {
    timer.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      metrics.updateQueueDepths(gantry.queueCounts());
    } catch (GantryException e) {
      // The gauges keep their last values; the failure is the database's, and /health/ready tells it too.
      log.warn("Reading queue depths for /metrics failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("Reading queue depths for /metrics failed", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
