package dev.gantry.bench;

/** Polling waits with a deadline, for the workloads. */
final class Waits {
  private Waits() {}

  interface Check {
    boolean done() throws Exception;
  }

  /** Waits until {@code check} holds or the timeout passes; true if it held. */
  static boolean until(Check check, long timeoutMillis, long pollMillis) throws Exception {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!check.done()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(pollMillis);
    }
    return true;
  }

  static double seconds(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e9;
  }

  static void log(String format, Object... args) {
    System.err.printf("[bench] " + format + "%n", args);
  }
}
