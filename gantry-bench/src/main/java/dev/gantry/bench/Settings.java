package dev.gantry.bench;

/** What to run, from the command line. */
record Settings(
    boolean quick,
    int jobs,
    int singleEnqueues,
    int threads,
    int latencyRate,
    int latencySeconds,
    int backlog,
    int backlogProcessed,
    int realisticJobs,
    int realisticInFlight,
    long realisticSleepMillis,
    int sustainedMinutes,
    int sustainedRate,
    long timeoutSeconds,
    int warmUpJobs,
    int rounds) {

  static Settings fullRun() {
    return new Settings(false, 100_000, 2_000, 16, 50, 30, 1_000_000, 50_000, 50_000, 500, 50, 10, 1_000, 600, 30_000, 3);
  }

  static Settings quickRun() {
    return new Settings(true, 5_000, 300, 16, 50, 5, 100_000, 5_000, 5_000, 500, 50, 0, 1_000, 40, 2_000, 1);
  }
}
