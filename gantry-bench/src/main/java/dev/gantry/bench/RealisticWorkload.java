package dev.gantry.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workload 5: handlers that sleep (an I/O call's worth) with hundreds in flight on the node;
 * throughput against the ideal in-flight / sleep, and the JVM's heap and threads meanwhile.
 */
final class RealisticWorkload {
  private RealisticWorkload() {}

  static ResultTable run(List<QueueSystem> systems, Settings s) throws Exception {
    int n = s.realisticJobs();
    double ideal = s.realisticInFlight() * 1000.0 / s.realisticSleepMillis();
    ResultTable t = new ResultTable(String.format("Realistic handlers: %,d jobs that sleep %d ms, %d in flight "
        + "(ideal %,.0f jobs/s)", n, s.realisticSleepMillis(), s.realisticInFlight(), ideal),
        systems.stream().map(QueueSystem::name).toList());
    t.note("Memory is the whole benchmark JVM's heap in use (sampled every 50 ms, after a GC before the run), "
        + "so it includes the benchmark's own arrays; compare systems with each other, not with zero.");
    for (QueueSystem q : systems) {
      Waits.log("realistic: %s, %,d jobs", q.name(), n);
      q.setUp();
      q.enqueueBulk(0, n);
      Recorder rec = new Recorder(n);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long baseHeap = rt.totalMemory() - rt.freeMemory();
      int baseThreads = ManagementFactory.getThreadMXBean().getThreadCount();
      AtomicLong peakHeap = new AtomicLong();
      AtomicLong peakThreads = new AtomicLong();
      Thread sampler = Thread.ofPlatform().daemon().start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peakHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
          peakThreads.accumulateAndGet(ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      long t0 = System.nanoTime();
      q.startWorkers(s.realisticInFlight(), rec, s.realisticSleepMillis());
      boolean done = Waits.until(() -> rec.finishedCount() >= n && q.unfinished() == 0,
          s.timeoutSeconds() * 1000, 20);
      long t1 = System.nanoTime();
      sampler.interrupt();
      q.stopWorkers();
      double rate = Math.min(rec.finishedCount(), n) / Waits.seconds(t0, t1);
      if (!done) {
        t.note(String.format("%s: only %,d of %,d jobs within %d s.", q.name(), rec.finishedCount(), n,
            s.timeoutSeconds()));
      }
      t.put("jobs/s", true, true, q.name(), rate);
      t.put("% of ideal", true, false, q.name(), 100 * rate / ideal);
      t.put("peak heap in use, MiB", false, false, q.name(), peakHeap.get() / 1048576.0);
      t.put("heap in use before the run, MiB", false, false, q.name(), baseHeap / 1048576.0);
      t.put("peak JVM threads (platform)", false, false, q.name(), (double) peakThreads.get());
      t.put("JVM threads before the run", false, false, q.name(), (double) baseThreads);
      Waits.log("  %s: %.0f jobs/s", q.name(), rate);
      q.setUp();
    }
    return t;
  }
}
