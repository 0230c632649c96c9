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
      CpuMeter.Sample cpu0 = CpuMeter.now();
      q.startWorkers(s.threads(), rec, 0);
      boolean finished = Waits.until(() -> rec.runs() >= s.jobs() && q.unfinished() == 0,
          s.timeoutSeconds() * 1000, 20);
      long t2 = System.nanoTime();
      CpuMeter.Sample cpu = CpuMeter.now().minus(cpu0);
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
      t.put("processing: JVM CPU ms per 1,000 jobs", false, false, q.name(), cpu.jvmNanos() / 1e6 / (processed / 1000.0));
      t.put("processing: PostgreSQL CPU ms per 1,000 jobs", false, false, q.name(),
          cpu.postgresNanos() < 0 ? Double.NaN : cpu.postgresNanos() / 1e6 / (processed / 1000.0));

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
    t.note("CPU per 1,000 jobs is measured over the processing phase: the benchmark JVM's process CPU time "
        + "(includes the benchmark's own polling, small), and the summed CPU time of all local `postgres` "
        + "processes read from /proc (– when the database is not on this machine). Both share the same cores, "
        + "so together they say where a system's time goes.");
    return t;
  }
}
