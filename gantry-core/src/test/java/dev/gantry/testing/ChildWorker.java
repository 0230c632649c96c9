package dev.gantry.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@link WorkerProcess} in a child JVM (the same java and classpath as the test), optionally
 * under libfaketime. Its output is copied to the test's output with a prefix; the lines it
 * announces itself with ({@code CLOCK}, {@code READY}) can be awaited.
 */
public final class ChildWorker implements AutoCloseable {
  private final String workerId;
  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile long clockMillis;
  private volatile long clockReadAtMillis;

  private ChildWorker(String workerId, Process process) {
    this.workerId = workerId;
    this.process = process;
    Thread reader = new Thread(this::pump, "child-output-" + workerId);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a child worker.
   *
   * @param args {@link WorkerProcess} arguments besides url, schema and worker
   * @param fakeTimeOffset a libfaketime offset such as {@code +3h}, or null for the real clock
   */
  public static ChildWorker start(String schema, String workerId, String fakeTimeOffset, String... args) {
    List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), WorkerProcess.class.getName(),
        "url=" + TestDatabase.get().jdbcUrl(), "schema=" + schema, "worker=" + workerId));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (fakeTimeOffset != null) {
      Path lib = fakeTimeLibrary().orElseThrow(() -> new IllegalStateException("libfaketime is not installed"));
      Map<String, String> env = pb.environment();
      env.put("LD_PRELOAD", lib.toString());
      env.put("FAKETIME", fakeTimeOffset);
      // FAKETIME_DONT_FAKE_MONOTONIC is deliberately not set. With a relative offset libfaketime
      // shifts the monotonic clock by a constant too, which keeps System.nanoTime() monotonic with
      // real intervals. With it set (libfaketime 0.9.10), the JVM's timed waits (Object.wait,
      // LockSupport.parkNanos) return at once, because the wait deadline is computed from the real
      // monotonic clock and then "unfaked" by libfaketime's pthread_cond_timedwait: every timed
      // wait spins and the child runs several times slower.
      env.remove("FAKETIME_DONT_FAKE_MONOTONIC");
    }
    try {
      ChildWorker child = new ChildWorker(workerId, pb.start());
      child.awaitLine("READY", Duration.ofSeconds(60));
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("starting child worker " + workerId, e);
    }
  }

  /** libfaketime's library where Debian (and most distributions) install it, if it is installed. */
  public static Optional<Path> fakeTimeLibrary() {
    List<Path> dirs = new ArrayList<>(List.of(Path.of("/usr/lib/faketime"), Path.of("/usr/local/lib/faketime"),
        Path.of("/usr/lib64/faketime")));
    try (Stream<Path> multiarch = Files.list(Path.of("/usr/lib"))) {
      multiarch.map(p -> p.resolve("faketime")).forEach(dirs::add);
    } catch (IOException e) {
      // no /usr/lib: nothing more to look in
    }
    for (Path dir : dirs) {
      for (String name : List.of("libfaketimeMT.so.1", "libfaketime.so.1")) {
        Path lib = dir.resolve(name);
        if (Files.isReadable(lib)) {
          return Optional.of(lib);
        }
      }
    }
    return Optional.empty();
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public String workerId() {
    return workerId;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * How far the child's wall clock ({@code System.currentTimeMillis()}, as it printed it) is from
   * this JVM's, measured when its line was read.
   */
  public Duration clockOffset() {
    return Duration.ofMillis(clockMillis - clockReadAtMillis);
  }

  /** Every line the child printed so far. */
  public List<String> output() {
    return List.copyOf(output);
  }

  /** Waits for an output line starting with this prefix (skipping, and consuming, the lines before it); returns it. */
  public String awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
        if (line == null) {
          throw new IllegalStateException("child worker " + workerId + " did not print " + prefix + " within " + timeout
              + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGKILL: the JVM dies at once, without shutdown hooks, leaving its jobs running in the database. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("child worker " + workerId + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGSTOP: the JVM freezes (as in a long GC pause or a suspended VM); {@link #resume()} continues it. */
  public void pause() {
    signal("-STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("-CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the child gracefully (closes its standard input), or kills it if it does not stop. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (IOException e) {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("CLOCK ")) {
          clockReadAtMillis = System.currentTimeMillis();
          clockMillis = Long.parseLong(line.substring("CLOCK ".length()).trim());
        }
        System.out.println("[" + workerId + "] " + line);
        output.add(line);
        lines.add(line);
      }
    } catch (IOException e) {
      // the child died; its output ends here
    }
  }
}
