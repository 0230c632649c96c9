package dev.gantry.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
import org.slf4j.Logger;

/** What a running handler knows about its job and can tell Gantry. */
public interface JobContext {
  UUID jobId();

  String kind();

  String queue();

  /** This attempt's number: 1 for the first run. */
  int attempt();

  /** Attempts the job may use before it is dead. */
  int maxAttempts();

  /** The job's metadata as stored. */
  JsonNode metadata();

  /**
   * Records progress (0 to 100) and a short message on the job, visible to readers at once.
   * One database write per call: call it when something changed, not in a tight loop.
   *
   * @throws IllegalArgumentException if percent is outside 0..100
   */
  void progress(int percent, String message);

  /**
   * As {@link #progress(int, String)}, with the per-item results so far: any JSON-serialisable
   * list (for example records of item, status and error, one per file or directory handled). It
   * replaces the stored list, is kept when the job finishes, and is read as {@code Job.progressItems()}
   * (and pushed to watchers and to the server's event streams) while the job runs.
   *
   * @throws IllegalArgumentException if percent is outside 0..100 or the items cannot be serialised
   */
  void progress(int percent, String message, java.util.List<?> items);

  /**
   * True once the job was cancelled, its lease was lost, or its timeout passed: stop work and
   * return (the runtime also interrupts the handler's thread).
   */
  boolean isCancelled();

  /**
   * The jobs this one depends on (a workflow step's dependencies), each with its state and, when
   * it completed, the value its handler returned: read from the database on each call. Empty for
   * a job without dependencies.
   *
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  java.util.List<dev.gantry.workflow.DependencyResult> dependencies();

  /** A logger named for the job's kind, for the handler's own messages. */
  Logger logger();
}
