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
    t.note("A run ends when K outcomes are written (K rows in finished_jobs). The handler-run rows show how "
        + "far claiming ran ahead of writing outcomes by then.");
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
        db.analyze(q.schema());
        Waits.log("  loaded %,d jobs in %.1f s", total, Waits.seconds(f0, System.nanoTime()));
        Recorder rec = new Recorder(total);
        long t0 = System.nanoTime();
        q.startWorkers(s.threads(), rec, 0);
        // Done when K outcomes are written (moved to finished_jobs), not merely when K handlers ran.
        String finished = "SELECT count(*) FROM " + q.schema() + ".finished_jobs";
        boolean done = Waits.until(() -> rec.runs() >= k && Sql.queryLong(db.dataSource(), finished) >= k,
            s.timeoutSeconds() * 1000, 10);
        long t1 = System.nanoTime();
        long handlersAtK = rec.runs();
        long written = Sql.queryLong(db.dataSource(), finished);
        q.stopWorkers();
        double rate = Math.min(written, k) / Waits.seconds(t0, t1);
        if (!done) {
          t.note(String.format("%s with %,d behind: only %,d of %,d outcomes written within %d s (%,d handlers ran).",
              q.name(), depth, written, k, s.timeoutSeconds(), handlersAtK));
        }
        t.put(depth == 0 ? "empty queue: handlers run when K outcomes were written"
            : String.format("%,d waiting: handlers run when K outcomes were written", depth), false, false,
            q.name(), (double) handlersAtK);
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
