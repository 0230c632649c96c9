package dev.gantry.bench;

import java.util.List;

/**
 * Workload 1: enqueue N no-op jobs in bulk, then process them all with the same concurrency;
 * plus single enqueues (one transaction each) on a fresh schema.
 */
final class ThroughputWorkload {
  private ThroughputWorkload() {}

  static ResultTable run(List<QueueSystem> systems, Settings s) throws Exception {
    ResultTable t = new ResultTable(String.format("Throughput: %,d no-op jobs, %d workers", s.jobs(), s.threads()),
        systems.stream().map(QueueSystem::name).toList());
    for (QueueSystem q : systems) {
      Waits.log("throughput: %s, %,d jobs", q.name(), s.jobs());
      q.setUp();
      long t0 = System.nanoTime();
      q.enqueueBulk(0, s.jobs());
      long t1 = System.nanoTime();
      Recorder rec = new Recorder(s.jobs());
      q.startWorkers(s.threads(), rec, 0);
      boolean finished = Waits.until(() -> rec.runs() >= s.jobs() && q.unfinished() == 0,
          s.timeoutSeconds() * 1000, 20);
      long t2 = System.nanoTime();
      q.stopWorkers();
      long processed = finished ? s.jobs() : Math.min(rec.runs(), s.jobs());
      if (!finished) {
        t.note(String.format("%s did not finish within %d s: %,d of %,d handlers ran; its rates count those only.",
            q.name(), s.timeoutSeconds(), rec.runs(), s.jobs()));
      }
      t.put("end to end, jobs/s (bulk enqueue + processing)", true, true, q.name(),
          processed / Waits.seconds(t0, t2));
      t.put("processing only, jobs/s", true, true, q.name(), processed / Waits.seconds(t1, t2));
      t.put("bulk enqueue, jobs/s", true, true, q.name(), s.jobs() / Waits.seconds(t0, t1));

      q.setUp();
      long t3 = System.nanoTime();
      for (int i = 0; i < s.singleEnqueues(); i++) {
        q.enqueueOne(i);
      }
      long t4 = System.nanoTime();
      t.put(String.format("single enqueue (%,d, one transaction each, one thread), jobs/s", s.singleEnqueues()),
          true, true, q.name(), s.singleEnqueues() / Waits.seconds(t3, t4));
      Waits.log("  %s: end to end %.0f jobs/s", q.name(), processed / Waits.seconds(t0, t2));
    }
    return t;
  }
}
