package dev.gantry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload 1: enqueue N no-op jobs in bulk, then process them all with the same concurrency;
 * plus single enqueues (one transaction each) on a fresh schema. With several rounds the systems
 * take turns (round 1: every system, round 2: every system, ...), so that a slow minute of a
 * shared machine does not fall on one system only; each row shows the median of the rounds, and
 * the end-to-end and processing rows also their lowest and highest.
 */
final class ThroughputWorkload {
  private static final String END_TO_END = "end to end, jobs/s (bulk enqueue + processing)";
  private static final String PROCESSING = "processing only, jobs/s";

  private ThroughputWorkload() {}

  /** One metric's figures, a list of rounds per system, in the order first measured. */
  private record Metric(boolean higherIsBetter, boolean chart, Map<String, List<Double>> rounds) {}

  static ResultTable run(List<QueueSystem> systems, Settings s) throws Exception {
    String title = String.format("Throughput: %,d no-op jobs, %d workers", s.jobs(), s.threads())
        + (s.rounds() > 1 ? String.format(", median of %d rounds", s.rounds()) : "");
    ResultTable t = new ResultTable(title, systems.stream().map(QueueSystem::name).toList());
    Map<String, Metric> metrics = new LinkedHashMap<>();
    for (int round = 1; round <= s.rounds(); round++) {
      for (QueueSystem q : systems) {
        measure(q, s, round, t, (metric, higherIsBetter, chart, value) -> metrics
            .computeIfAbsent(metric, m -> new Metric(higherIsBetter, chart, new LinkedHashMap<>()))
            .rounds().computeIfAbsent(q.name(), n -> new ArrayList<>()).add(value));
      }
    }
    metrics.forEach((metric, m) -> m.rounds().forEach((system, values) -> {
      t.put(metric, m.higherIsBetter(), m.chart(), system, Stats.median(values));
    }));
    if (s.rounds() > 1) {
      for (String metric : List.of(END_TO_END, PROCESSING)) {
        metrics.get(metric).rounds().forEach((system, values) -> {
          t.put(metric + ", lowest of " + s.rounds(), true, false, system, Stats.min(values));
          t.put(metric + ", highest of " + s.rounds(), true, false, system, Stats.max(values));
        });
      }
    }
    t.note("CPU per 1,000 jobs is measured over the processing phase: the benchmark JVM's process CPU time "
        + "(includes the benchmark's own polling, small), and the summed CPU time of all local `postgres` "
        + "processes read from /proc (– when the database is not on this machine). Both share the same cores, "
        + "so together they say where a system's time goes.");
    if (s.rounds() > 1) {
      t.note("The lowest and highest rows put each system's own lowest (highest) round side by side, not one "
          + "round's figures, so their ratio columns are not per-round ratios.");
    }
    return t;
  }

  private interface Sink {
    void put(String metric, boolean higherIsBetter, boolean chart, double value);
  }

  private static void measure(QueueSystem q, Settings s, int round, ResultTable t, Sink out) throws Exception {
    Waits.log("throughput: %s, %,d jobs, round %d of %d", q.name(), s.jobs(), round, s.rounds());
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
      t.note(String.format("%s did not finish within %d s in round %d: %,d of %,d handlers ran; its rates count "
          + "those only.", q.name(), s.timeoutSeconds(), round, rec.runs(), s.jobs()));
    }
    out.put(END_TO_END, true, true, processed / Waits.seconds(t0, t2));
    out.put(PROCESSING, true, true, processed / Waits.seconds(t1, t2));
    out.put("bulk enqueue, jobs/s", true, true, s.jobs() / Waits.seconds(t0, t1));
    out.put("processing: JVM CPU ms per 1,000 jobs", false, false, cpu.jvmNanos() / 1e6 / (processed / 1000.0));
    out.put("processing: PostgreSQL CPU ms per 1,000 jobs", false, false,
        cpu.postgresNanos() < 0 ? Double.NaN : cpu.postgresNanos() / 1e6 / (processed / 1000.0));

    q.setUp();
    long t3 = System.nanoTime();
    for (int i = 0; i < s.singleEnqueues(); i++) {
      q.enqueueOne(i);
    }
    long t4 = System.nanoTime();
    out.put(String.format("single enqueue (%,d, one transaction each, one thread), jobs/s", s.singleEnqueues()),
        true, true, s.singleEnqueues() / Waits.seconds(t3, t4));
    Waits.log("  %s: end to end %.0f jobs/s", q.name(), processed / Waits.seconds(t0, t2));
  }
}
