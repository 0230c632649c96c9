package dev.gantry.bench;

import java.util.List;

/**
 * Workload 3: claim throughput of the first K jobs when they are all the queue holds, and when a
 * deep backlog waits behind them. Same jobs, same concurrency; only the queue depth differs.
 */
final class BacklogWorkload {
  private BacklogWorkload() {}

  static ResultTable run(List<QueueSystem> systems, Settings s, DatabaseAccess db) throws Exception {
    int k = s.backlogProcessed();
    ResultTable t = new ResultTable(String.format("Deep backlog: process %,d no-op jobs with an empty queue behind "
        + "them vs %,d jobs waiting, %d workers", k, s.backlog(), s.threads()),
        systems.stream().map(QueueSystem::name).toList());
    t.note("After the bulk load each system's tables get an ANALYZE (what autovacuum does shortly after a "
        + "bulk load), so that both cases run with current statistics.");
    for (QueueSystem q : systems) {
      double empty = 0;
      for (int depth : new int[] {0, s.backlog()}) {
        Waits.log("backlog: %s, %,d jobs + %,d behind", q.name(), k, depth);
        q.setUp();
        int total = k + depth;
        long f0 = System.nanoTime();
        q.enqueueBulk(0, total);
        db.analyze();
        Waits.log("  loaded %,d jobs in %.1f s", total, Waits.seconds(f0, System.nanoTime()));
        Recorder rec = new Recorder(total);
        long t0 = System.nanoTime();
        q.startWorkers(s.threads(), rec, 0);
        boolean done = Waits.until(() -> rec.runs() >= k, s.timeoutSeconds() * 1000, 5);
        long t1 = System.nanoTime();
        q.stopWorkers();
        double rate = Math.min(rec.runs(), k) / Waits.seconds(t0, t1);
        if (!done) {
          t.note(String.format("%s with %,d behind: only %,d of %,d within %d s.", q.name(), depth, rec.runs(), k,
              s.timeoutSeconds()));
        }
        if (depth == 0) {
          empty = rate;
          t.put("empty queue, jobs/s", true, true, q.name(), rate);
        } else {
          t.put(String.format("%,d waiting, jobs/s", depth), true, true, q.name(), rate);
          t.put("backlog / empty, %", true, false, q.name(), 100 * rate / empty);
        }
        Waits.log("  %s: %.0f jobs/s", q.name(), rate);
      }
      q.setUp(); // leave no million-row tables behind
    }
    return t;
  }
}
