package dev.gantry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload 4: M minutes of steady enqueue (small bulk batches every 100 ms) with processing on;
 * handler runs per minute, the size of the table the workers poll (and of its indexes) after every
 * minute, and every table's size at the end.
 */
final class SustainedWorkload {
  private SustainedWorkload() {}

  static ResultTable run(List<QueueSystem> systems, Settings s) throws Exception {
    int minutes = s.sustainedMinutes();
    int perTick = Math.max(1, s.sustainedRate() / 10);
    int total = perTick * 10 * 60 * minutes;
    ResultTable t = new ResultTable(String.format("Sustained: %d minutes of %,d jobs/s enqueued (batches of %d every "
        + "100 ms) and processed, %d workers", minutes, perTick * 10, perTick, s.threads()),
        systems.stream().map(QueueSystem::name).toList());
    for (QueueSystem q : systems) {
      Waits.log("sustained: %s, %d min", q.name(), minutes);
      q.setUp();
      Recorder rec = new Recorder(total);
      q.startWorkers(s.threads(), rec, 0);
      long start = System.nanoTime();
      long lastRuns = 0;
      List<Long> perMinute = new ArrayList<>();
      List<Map<String, Long>> sizesPerMinute = new ArrayList<>();
      int seq = 0;
      for (int tick = 0; tick < minutes * 600; tick++) {
        long wait = start + tick * 100_000_000L - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000);
        }
        q.enqueueBulk(seq, perTick);
        seq += perTick;
        if ((tick + 1) % 600 == 0) {
          long runs = rec.runs();
          perMinute.add(runs - lastRuns);
          lastRuns = runs;
          Map<String, Long> sizes = q.tableSizes();
          sizesPerMinute.add(sizes);
          Waits.log("  %s minute %d: %,d handler runs; %s %.2f MiB, its indexes %.2f MiB", q.name(), perMinute.size(),
              perMinute.getLast(), q.polledTable(), mib(sizes.get(q.polledTable())),
              mib(sizes.get(q.polledTable() + " (indexes)")));
        }
      }
      long lag = q.unfinished();
      q.stopWorkers();
      for (int m = 0; m < perMinute.size(); m++) {
        t.put(String.format("minute %d, jobs run", m + 1), true, false, q.name(), (double) perMinute.get(m));
      }
      t.put("unfinished at the end (lag)", false, false, q.name(), (double) lag);
      for (int m = 0; m < sizesPerMinute.size(); m++) {
        Map<String, Long> sizes = sizesPerMinute.get(m);
        t.put(String.format("polled table after minute %d, MiB", m + 1), false, false, q.name(),
            mib(sizes.get(q.polledTable())));
        t.put(String.format("its indexes after minute %d, MiB", m + 1), false, false, q.name(),
            mib(sizes.get(q.polledTable() + " (indexes)")));
      }
      for (Map.Entry<String, Long> e : q.tableSizes().entrySet()) {
        t.put("size of " + e.getKey() + ", MiB", false, false, q.name(), mib(e.getValue()));
      }
      q.setUp();
    }
    t.note("The polled table is the one each system's workers claim or poll from (Gantry and raw SQL: jobs; "
        + "db-scheduler: scheduled_tasks; JobRunr: jobrunr_jobs), sampled at the end of every minute while the "
        + "run goes on. Sizes are pg_total_relation_size (heap, indexes, toast) and pg_indexes_size right after the run, "
        + "before any cleanup: the finished jobs of the whole run are in them (Gantry keeps completed jobs for a "
        + "day in finished_jobs, JobRunr keeps succeeded jobs for 36 h, db-scheduler deletes finished one-time "
        + "tasks).");
    return t;
  }

  private static double mib(Long bytes) {
    return bytes == null ? Double.NaN : bytes / 1048576.0;
  }
}
