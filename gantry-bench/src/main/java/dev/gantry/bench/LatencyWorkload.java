package dev.gantry.bench;

import java.util.List;

/**
 * Workload 2: one thread enqueues single jobs at a light steady rate while workers wait; each
 * job's pickup latency is handler start minus enqueue commit, both System.nanoTime in this JVM.
 */
final class LatencyWorkload {
  private LatencyWorkload() {}

  static ResultTable run(List<QueueSystem> systems, Settings s) throws Exception {
    int count = s.latencyRate() * s.latencySeconds();
    ResultTable t = new ResultTable(String.format("Pickup latency: %d jobs/s for %d s (%,d jobs), %d workers",
        s.latencyRate(), s.latencySeconds(), count, s.threads()), systems.stream().map(QueueSystem::name).toList());
    long periodNanos = 1_000_000_000L / s.latencyRate();
    for (QueueSystem q : systems) {
      Waits.log("latency: %s, %,d jobs at %d/s", q.name(), count, s.latencyRate());
      q.setUp();
      Recorder rec = new Recorder(count);
      q.startWorkers(s.threads(), rec, 0);
      Thread.sleep(1_000); // let the workers reach their idle wait
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long wait = start + i * periodNanos - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        q.enqueueOne(i);
        rec.committed(i, System.nanoTime());
      }
      boolean all = Waits.until(() -> rec.startedCount(count) == count, 30_000, 20);
      q.stopWorkers();
      long[] lat = rec.latenciesMicros(count);
      if (!all) {
        t.note(String.format("%s: only %,d of %,d jobs started within 30 s of the last enqueue.", q.name(),
            lat.length, count));
      }
      t.put("p50, ms", false, true, q.name(), Recorder.percentile(lat, 50) / 1000.0);
      t.put("p95, ms", false, false, q.name(), Recorder.percentile(lat, 95) / 1000.0);
      t.put("p99, ms", false, true, q.name(), Recorder.percentile(lat, 99) / 1000.0);
      t.put("max, ms", false, false, q.name(), Recorder.percentile(lat, 100) / 1000.0);
      Waits.log("  %s: p50 %.1f ms, p99 %.1f ms", q.name(), Recorder.percentile(lat, 50) / 1000.0,
          Recorder.percentile(lat, 99) / 1000.0);
    }
    return t;
  }
}
