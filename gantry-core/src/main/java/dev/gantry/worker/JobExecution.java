package dev.gantry.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.workflow.DependencyResult;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of one job on this node: the handler's {@link JobContext}, and the flags that the
 * heartbeat, the timeout and cancellation set on it. It is <em>settled</em> exactly once, by
 * whichever comes first: the handler's return, its timeout, a lost lease, or shutdown.
 */
final class JobExecution implements JobContext {
  private final ClaimedJob job;
  private final int maxAttempts;
  private final JsonNode metadata;
  private final ProgressWriter progressWriter;
  private final Function<UUID, List<DependencyResult>> dependencyReader;
  private final Logger logger;
  private final AtomicBoolean settled = new AtomicBoolean();
  private final long startNanos = System.nanoTime();
  private volatile Thread thread;
  private volatile boolean cancelRequested;
  private volatile boolean leaseLost;
  private volatile boolean timedOut;
  private volatile boolean handedOver;

  interface ProgressWriter {
    /** items: the per-item results to store, or null to keep the stored ones. */
    void write(JobExecution execution, int percent, String message, List<?> items);
  }

  JobExecution(ClaimedJob job, int maxAttempts, JsonNode metadata, ProgressWriter progressWriter,
      Function<UUID, List<DependencyResult>> dependencyReader) {
    this.job = job;
    this.maxAttempts = maxAttempts;
    this.metadata = metadata;
    this.progressWriter = progressWriter;
    this.dependencyReader = dependencyReader;
    this.logger = LoggerFactory.getLogger("gantry.job." + job.kind());
    this.cancelRequested = job.cancelRequested();
  }

  ClaimedJob job() {
    return job;
  }

  long startNanos() {
    return startNanos;
  }

  void bindThread(Thread thread) {
    this.thread = thread;
  }

  /** Marks this execution settled; true only for the first caller. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  boolean isSettled() {
    return settled.get();
  }

  /** The settled outcome has reached the completer (or there is none to write). */
  void markHandedOver() {
    handedOver = true;
  }

  /** Settled, but its outcome is still being prepared by the thread that settled it. */
  boolean isHandingOver() {
    return settled.get() && !handedOver;
  }

  void requestCancel() {
    cancelRequested = true;
    interrupt();
  }

  void markLeaseLost() {
    leaseLost = true;
    interrupt();
  }

  void markTimedOut() {
    timedOut = true;
    interrupt();
  }

  boolean cancelRequested() {
    return cancelRequested;
  }

  boolean timedOut() {
    return timedOut;
  }

  void interrupt() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  @Override
  public UUID jobId() {
    return job.id();
  }

  @Override
  public String kind() {
    return job.kind();
  }

  @Override
  public String queue() {
    return job.queue();
  }

  @Override
  public int attempt() {
    return job.attempt();
  }

  @Override
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public JsonNode metadata() {
    return metadata;
  }

  @Override
  public void progress(int percent, String message) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("progress percent must be between 0 and 100, got " + percent);
    }
    progressWriter.write(this, percent, message, null);
  }

  @Override
  public void progress(int percent, String message, List<?> items) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("progress percent must be between 0 and 100, got " + percent);
    }
    java.util.Objects.requireNonNull(items, "items");
    progressWriter.write(this, percent, message, items);
  }

  @Override
  public List<DependencyResult> dependencies() {
    return dependencyReader.apply(job.id());
  }

  @Override
  public boolean isCancelled() {
    return cancelRequested || leaseLost || timedOut || settled.get();
  }

  @Override
  public Logger logger() {
    return logger;
  }
}
