package dev.gantry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark command: runs the selected workloads on every selected system, one after another,
 * in this JVM and against one PostgreSQL, then writes docs/benchmarks/results-NAME.md and .svg.
 *
 * <pre>
 * ./bench [--quick] [--systems gantry,raw-sql,db-scheduler,jobrunr]
 *         [--workloads throughput,latency,backlog,realistic,sustained] [--jobs N] [--threads N]
 *         [--backlog N] [--sustained-minutes N] [--out DIR] [--name NAME]
 * </pre>
 */
public final class Bench {
  static final List<String> ALL_SYSTEMS = List.of("gantry", "raw-sql", "db-scheduler", "jobrunr");
  static final List<String> ALL_WORKLOADS = List.of("throughput", "latency", "backlog", "realistic", "sustained");

  private Bench() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(usage());
        return;
      }
      if (!a.startsWith("--")) {
        fail("unexpected argument " + a);
      }
      String key = a.substring(2);
      String value = "true";
      if (key.contains("=")) {
        value = key.substring(key.indexOf('=') + 1);
        key = key.substring(0, key.indexOf('='));
      } else if (!key.equals("quick") && i + 1 < argv.length) {
        value = argv[++i];
      }
      opts.put(key, value);
    }
    boolean quick = opts.containsKey("quick");
    Settings base = quick ? Settings.quickRun() : Settings.fullRun();
    Settings s = new Settings(quick,
        intOpt(opts, "jobs", base.jobs()), base.singleEnqueues(), intOpt(opts, "threads", base.threads()),
        base.latencyRate(), intOpt(opts, "latency-seconds", base.latencySeconds()),
        intOpt(opts, "backlog", base.backlog()), base.backlogProcessed(),
        intOpt(opts, "realistic-jobs", base.realisticJobs()), base.realisticInFlight(), base.realisticSleepMillis(),
        intOpt(opts, "sustained-minutes", base.sustainedMinutes()), intOpt(opts, "sustained-rate", base.sustainedRate()),
        base.timeoutSeconds(), intOpt(opts, "warm-up", base.warmUpJobs()), intOpt(opts, "rounds", base.rounds()));
    List<String> systemNames = list(opts.getOrDefault("systems", String.join(",", ALL_SYSTEMS)), ALL_SYSTEMS);
    List<String> defaultWorkloads = s.sustainedMinutes() > 0 ? ALL_WORKLOADS : ALL_WORKLOADS.subList(0, 4);
    List<String> workloads = list(opts.getOrDefault("workloads", String.join(",", defaultWorkloads)), ALL_WORKLOADS);
    Path out = Path.of(opts.getOrDefault("out", "docs/benchmarks"));
    String name = opts.getOrDefault("name", quick ? "quick" : "full");

    Instant began = Instant.now();
    try (DatabaseAccess db = DatabaseAccess.open(64)) {
      Waits.log("database: %s", db.description());
      List<QueueSystem> systems = new ArrayList<>();
      for (String n : systemNames) {
        systems.add(switch (n) {
          case "gantry" -> new GantrySystem(db.dataSource());
          case "raw-sql" -> new RawSqlSystem(db.dataSource());
          case "db-scheduler" -> new DbSchedulerSystem(db.dataSource());
          case "jobrunr" -> new JobRunrSystem(db.dataSource());
          default -> throw new IllegalArgumentException(n);
        });
      }
      warmUp(systems, s);
      List<ResultTable> tables = new ArrayList<>();
      for (String w : workloads) {
        switch (w) {
          case "throughput" -> tables.add(ThroughputWorkload.run(systems, s));
          case "latency" -> tables.add(LatencyWorkload.run(systems, s));
          case "backlog" -> {
            List<QueueSystem> ours = systems.stream()
                .filter(q -> q.name().equals("gantry") || q.name().equals("raw-sql")).toList();
            if (!ours.isEmpty()) {
              tables.add(BacklogWorkload.run(ours, s, db));
            }
          }
          case "realistic" -> tables.add(RealisticWorkload.run(systems, s));
          case "sustained" -> tables.add(SustainedWorkload.run(systems, s));
          default -> throw new IllegalArgumentException(w);
        }
      }
      for (QueueSystem q : systems) {
        q.setUp();
        q.close();
      }
      long took = ChronoUnit.SECONDS.between(began, Instant.now());
      String command = "./bench" + (argv.length == 0 ? "" : " " + String.join(" ", argv));
      String header = header(command, began, took, db, s, systems);
      String md = Report.markdown(tables, header);
      Files.createDirectories(out);
      Report.write(out.resolve("results-" + name + ".md"), md
          + "\n![chart](results-" + name + ".svg)\n");
      Report.write(out.resolve("results-" + name + ".svg"), Report.svg(tables, "Gantry benchmark (" + name
          + "), " + began.truncatedTo(ChronoUnit.SECONDS)));
      System.out.println(md);
      Waits.log("wrote %s and .svg (%d s)", out.resolve("results-" + name + ".md"), took);
    }
    System.exit(0); // some peers leave non-daemon threads behind
  }

  /**
   * Runs {@code warmUpJobs} jobs (30,000 in the full run, 2,000 in the quick one) and 200 single
   * enqueues through each system once, unmeasured, so that no system pays for class loading and
   * JIT compilation in the measured runs. 2,000 jobs were too few: a CPU profile of a 200,000-job
   * run then had 45 % of the benchmark JVM's CPU in the JIT compiler threads.
   */
  private static void warmUp(List<QueueSystem> systems, Settings s) throws Exception {
    for (QueueSystem q : systems) {
      Waits.log("warm-up: %s", q.name());
      q.setUp();
      Recorder rec = new Recorder(s.warmUpJobs());
      q.enqueueBulk(0, s.warmUpJobs());
      q.startWorkers(s.threads(), rec, 0);
      Waits.until(() -> rec.runs() >= s.warmUpJobs() && q.unfinished() == 0, s.timeoutSeconds() * 1000, 20);
      q.stopWorkers();
      q.setUp();
      for (int i = 0; i < 200; i++) {
        q.enqueueOne(i);
      }
    }
  }

  private static String header(String command, Instant began, long took, DatabaseAccess db, Settings s,
      List<QueueSystem> systems) throws Exception {
    StringBuilder h = new StringBuilder();
    h.append("## Results: `").append(command).append("`\n\n");
    h.append("Run at ").append(began.truncatedTo(ChronoUnit.SECONDS)).append(", took ").append(took).append(" s.\n\n");
    h.append("**Machine:** ").append(machine()).append("\n\n");
    h.append("**Database:** ").append(db.description()).append(". Settings:\n\n| setting | value |\n|---|---|\n");
    db.settings().forEach((k, v) -> h.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    h.append("\n**Systems:**\n\n");
    for (QueueSystem q : systems) {
      h.append("- **").append(q.name()).append("**: ").append(q.configuration()).append('\n');
    }
    h.append(String.format("\nEach system first runs %,d jobs and 200 single enqueues unmeasured (class loading, JIT). ",
        s.warmUpJobs())
        + "Systems run one after another, each on freshly recreated tables.\n");
    h.append("\nRatio columns divide Gantry's figure by the peer's (for latencies and memory, below 1 is better for "
        + "Gantry); against raw-sql, the ceiling, they are percentages.\n");
    return h.toString();
  }

  private static String machine() {
    String cpu = "?";
    String mem = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
      mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .findFirst().map(l -> l.replaceAll("\\D", "")).map(k -> (Long.parseLong(k) / 1048576) + " GiB").orElse("?");
    } catch (Exception ignored) {
      // not Linux: leave it unknown
    }
    Runtime rt = Runtime.getRuntime();
    return String.format("%d cores (%s), %s RAM, %s %s; Java %s (%s), max heap %d MiB", rt.availableProcessors(), cpu,
        mem, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), rt.maxMemory() / 1048576);
  }

  private static int intOpt(Map<String, String> opts, String key, int def) {
    String v = opts.get(key);
    return v == null ? def : Integer.parseInt(v.replace("_", "").replace(",", ""));
  }

  private static List<String> list(String value, List<String> allowed) {
    List<String> out = Arrays.stream(value.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    for (String x : out) {
      if (!allowed.contains(x)) {
        fail("unknown " + x + "; choose from " + allowed);
      }
    }
    return out;
  }

  private static void fail(String message) {
    System.err.println("bench: " + message + "\n" + usage());
    System.exit(2);
  }

  static String usage() {
    return """
        usage: ./bench [--quick] [--systems gantry,raw-sql,db-scheduler,jobrunr]
                       [--workloads throughput,latency,backlog,realistic,sustained]
                       [--jobs N] [--threads N] [--latency-seconds N] [--backlog N] [--realistic-jobs N]
                       [--sustained-minutes N] [--sustained-rate N] [--warm-up N] [--rounds N]
                       [--out DIR] [--name NAME]
          --quick  small sizes, finishes in under 2 minutes (no sustained run)
          --warm-up N  jobs each system runs unmeasured first (full 30,000, quick 2,000)
          --rounds N   throughput rounds, the systems taking turns; rows show the median (full 3, quick 1)
          Database: GANTRY_BENCH_DATABASE_URL (JDBC or postgres:// URL), else an embedded PostgreSQL.
          Writes DIR/results-NAME.md and .svg (default docs/benchmarks, NAME quick or full).""";
  }
}
