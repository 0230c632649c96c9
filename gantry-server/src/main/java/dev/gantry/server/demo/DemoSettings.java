package dev.gantry.server.demo;

import java.time.Duration;

/**
 * How big a demo to run, and where.
 *
 * @param jobs how many jobs to enqueue in all (at least {@link #MIN_JOBS}, so every scenario fits)
 * @param concurrency how many jobs of the {@code default} queue run at once
 * @param schema the demo's own schema, dropped and created again at the start of every run
 * @param timeout how long to wait for every job to finish before giving up
 */
public record DemoSettings(int jobs, int concurrency, String schema, Duration timeout) {
  public static final int MIN_JOBS = 10;
  public static final int MAX_JOBS = 100_000;
  public static final String DEFAULT_SCHEMA = "gantry_demo";
  /**
   * The demo drops its schema at start; it refuses any other name so that a slip of the finger
   * ({@code --schema gantry}) cannot wipe real jobs.
   */
  public static final String SCHEMA_PREFIX = "gantry_demo";

  public DemoSettings {
    if (jobs < MIN_JOBS || jobs > MAX_JOBS) {
      throw new IllegalArgumentException(
          "the demo needs between " + MIN_JOBS + " and " + MAX_JOBS + " jobs, got " + jobs);
    }
    if (concurrency < 1 || concurrency > 1_000) {
      throw new IllegalArgumentException("concurrency must be between 1 and 1000, got " + concurrency);
    }
    if (schema == null || !schema.startsWith(SCHEMA_PREFIX)) {
      throw new IllegalArgumentException("the demo drops and recreates its schema, so its name must start with "
          + SCHEMA_PREFIX + ", got: " + schema);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  /** 1,000 jobs, 50 at a time, in schema {@code gantry_demo}, giving up after a minute. */
  public static DemoSettings defaults() {
    return new DemoSettings(1_000, 50, DEFAULT_SCHEMA, Duration.ofSeconds(60));
  }
}
