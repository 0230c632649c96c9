package dev.gantry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload 3: claim throughput of the first K jobs when they are all the queue holds, and when a
 * deep backlog waits behind them. Same jobs, same concurrency; only the queue depth differs. With
 * several rounds the systems take turns, as in the throughput workload, and each row is the median
 * (the ratio row: the median of each round's ratio).
 */
final class BacklogWorkload {
  private BacklogWorkload() {}

  /** One system's figures over the rounds. */
  private record Rounds(List<Double> empty, List<Double> deep, List<Double> ratio, List<Double> handlersEmpty,
      List<Double> handlersDeep, List<Double> vacuums) {
    Rounds() {
      this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
          new ArrayList<>());
    }
  }

  static ResultTable run(List<QueueSystem> systems, Settings s, DatabaseAccess db) throws Exception {
    int k = s.backlogProcessed();
    ResultTable t = new ResultTable(String.format("Deep backlog: process %,d no-op jobs with an empty queue behind "
        + "them vs %,d jobs waiting, %d workers", k, s.backlog(), s.threads())
        + (s.rounds() > 1 ? String.format(", median of %d rounds", s.rounds()) : ""),
        systems.stream().map(QueueSystem::name).toList());
    t.note("A run ends when K outcomes are written (K rows in finished_jobs). The handler-run rows show how "
        + "far claiming ran ahead of writing outcomes by then.");
    t.note("After the bulk load each system's tables get an ANALYZE (what autovacuum does shortly after a "
        + "bulk load), so that both cases run with current statistics. The VACUUM row counts the vacuums of the "
        + "polled table (by the system or by autovacuum) that ended during the measured part of the deep case.");
    Map<String, Rounds> bySystem = new LinkedHashMap<>();
    for (int round = 1; round <= s.rounds(); round++) {
      for (QueueSystem q : systems) {
        Rounds r = bySystem.computeIfAbsent(q.name(), n -> new Rounds());
        double empty = 0;
        for (int depth : new int[] {0, s.backlog()}) {
          Waits.log("backlog: %s, %,d jobs + %,d behind, round %d of %d", q.name(), k, depth, round, s.rounds());
          q.setUp();
          int total = k + depth;
          long f0 = System.nanoTime();
          q.enqueueBulk(0, total);
          db.analyze(q.schema());
          Waits.log("  loaded %,d jobs in %.1f s", total, Waits.seconds(f0, System.nanoTime()));
          String vacuums = "SELECT coalesce(sum(vacuum_count + autovacuum_count), 0) FROM pg_stat_user_tables "
              + "WHERE schemaname = '" + q.schema() + "' AND relname = '" + q.polledTable() + "'";
          long vacuums0 = Sql.queryLong(db.dataSource(), vacuums);
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
          long vacuumed = Sql.queryLong(db.dataSource(), vacuums) - vacuums0;
          q.stopWorkers();
          double rate = Math.min(written, k) / Waits.seconds(t0, t1);
          if (!done) {
            t.note(String.format("%s with %,d behind, round %d: only %,d of %,d outcomes written within %d s "
                + "(%,d handlers ran).", q.name(), depth, round, written, k, s.timeoutSeconds(), handlersAtK));
          }
          if (depth == 0) {
            empty = rate;
            r.empty().add(rate);
            r.handlersEmpty().add((double) handlersAtK);
          } else {
            r.deep().add(rate);
            r.ratio().add(100 * rate / empty);
            r.handlersDeep().add((double) handlersAtK);
            r.vacuums().add((double) vacuumed);
          }
          Waits.log("  %s: %.0f jobs/s", q.name(), rate);
        }
        q.setUp(); // leave no million-row tables behind
      }
    }
    String deep = String.format("%,d waiting", s.backlog());
    bySystem.forEach((name, r) -> {
      t.put("empty queue: handlers run when K outcomes were written", false, false, name,
          Stats.median(r.handlersEmpty()));
      t.put("empty queue, jobs/s", true, true, name, Stats.median(r.empty()));
      t.put(deep + ": handlers run when K outcomes were written", false, false, name, Stats.median(r.handlersDeep()));
      t.put(deep + ", jobs/s", true, true, name, Stats.median(r.deep()));
      t.put("backlog / empty, %", true, false, name, Stats.median(r.ratio()));
      if (s.rounds() > 1) {
        t.put("backlog / empty, %, lowest of " + s.rounds(), true, false, name, Stats.min(r.ratio()));
        t.put("backlog / empty, %, highest of " + s.rounds(), true, false, name, Stats.max(r.ratio()));
      }
      t.put(deep + ": VACUUMs of the polled table during the run", false, false, name, Stats.median(r.vacuums()));
    });
    return t;
  }
}
