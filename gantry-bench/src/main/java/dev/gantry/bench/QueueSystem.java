package dev.gantry.bench;

import java.util.Map;

/**
 * One job queue under test. Every system runs the same workloads through this interface: jobs
 * carry only a sequence number, and the handler calls {@link Recorder#started(int)} first thing.
 */
public interface QueueSystem extends AutoCloseable {

  /** Short name for tables ("gantry", "raw-sql", "db-scheduler", "jobrunr"). */
  String name();

  /** The PostgreSQL schema that holds all of this system's tables. */
  String schema();

  /** Each setting and why, for the report. */
  String configuration();

  /** Drops and recreates this system's own schema/tables: every workload starts clean. */
  void setUp() throws Exception;

  /** Enqueues jobs {@code from .. from+count-1} in as few round trips as the system allows. */
  void enqueueBulk(int from, int count) throws Exception;

  /** Enqueues one job in its own transaction; returns once it is committed. */
  void enqueueOne(int seq) throws Exception;

  /**
   * Starts processing on this node with {@code concurrency} jobs at once; each handler calls
   * {@code recorder.started(seq)}, then sleeps {@code handlerSleepMillis} (0: a no-op).
   */
  void startWorkers(int concurrency, Recorder recorder, long handlerSleepMillis) throws Exception;

  /** Stops the workers (in-flight jobs may be abandoned; the next workload starts clean). */
  void stopWorkers() throws Exception;

  /** Jobs not yet finished in the database (waiting or running). */
  long unfinished() throws Exception;

  /** The system's tables and their total sizes (heap + indexes + toast), bytes, for the report. */
  Map<String, Long> tableSizes() throws Exception;

  /** The table its workers poll or claim from (a key of {@link #tableSizes()}): where bloat hurts. */
  String polledTable();

  @Override
  default void close() throws Exception {
    stopWorkers();
  }
}
