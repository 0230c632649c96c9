package dev.gantry.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time spent by this JVM and, when the database runs on this machine, by all PostgreSQL
 * processes (summed from /proc): where a run's time goes on a machine that both share.
 */
final class CpuMeter {
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  record Sample(long jvmNanos, long postgresNanos) {
    Sample minus(Sample earlier) {
      return new Sample(jvmNanos - earlier.jvmNanos, postgresNanos < 0 ? -1 : postgresNanos - earlier.postgresNanos);
    }
  }

  private CpuMeter() {}

  static Sample now() {
    long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    return new Sample(jvm, postgresNanos());
  }

  /** Total user+system CPU of processes named postgres on this machine; -1 if none can be read. */
  private static long postgresNanos() {
    long ticks = 0;
    boolean found = false;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .chars().allMatch(Character::isDigit))) {
      for (Path p : procs) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          if (!stat.substring(open + 1, close).startsWith("postgres")) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ");
          // after "pid (comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          found = true;
        } catch (IOException | RuntimeException ignored) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return found ? ticks * (1_000_000_000L / TICKS_PER_SECOND) : -1;
  }
}
