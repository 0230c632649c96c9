package dev.gantry.bench;

import dev.gantry.Gantry;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Gantry through its public API only, with its defaults except the concurrency. */
final class GantrySystem implements QueueSystem {
  static final String SCHEMA = "bench_gantry";
  private static final int ENQUEUE_CHUNK = 5_000;

  /** The job's arguments: only its sequence number. */
  public record Args(int seq) {}

  private final DataSource ds;
  private Gantry gantry;
  private Worker worker;

  GantrySystem(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public String name() {
    return "gantry";
  }

  @Override
  public String schema() {
    return SCHEMA;
  }

  @Override
  public String configuration() {
    return "gantry-core 0.1.0-SNAPSHOT (this build). "
        + "Worker defaults: claim batch up to the free slots (at most 100) per statement, outcomes batched "
        + "(up to 1,000 per statement, flushed every 10 ms), LISTEN/NOTIFY wake-ups with a 1 s fallback poll, "
        + "handlers on virtual threads; concurrency = the workload's thread count on queue `default`. "
        + "Bulk enqueue: `enqueueAll` in chunks of 5,000 (one INSERT ... unnest statement each). "
        + "Maintenance (stager, rescuer, pruner) on as in production. Shutdown timeout 2 s (only shortens stopping).";
  }

  @Override
  public void setUp() throws Exception {
    close();
    Sql.dropSchema(ds, SCHEMA);
    gantry = Gantry.builder(ds).schema(SCHEMA).build();
  }

  @Override
  public void enqueueBulk(int from, int count) {
    for (int start = from; start < from + count; start += ENQUEUE_CHUNK) {
      int end = Math.min(from + count, start + ENQUEUE_CHUNK);
      List<JobRequest> requests = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        requests.add(JobRequest.of("noop", new Args(i)));
      }
      gantry.enqueueAll(requests);
    }
  }

  @Override
  public void enqueueOne(int seq) {
    gantry.enqueue("noop", new Args(seq));
  }

  @Override
  public void startWorkers(int concurrency, Recorder recorder, long sleepMillis) {
    worker = gantry.worker()
        .queue("default", concurrency)
        .shutdownTimeout(Duration.ofSeconds(2))
        .handler("noop", Args.class, (args, ctx) -> {
          recorder.started(args.seq());
          if (sleepMillis > 0) {
            Thread.sleep(sleepMillis);
          }
          recorder.finished();
          return null;
        })
        .start();
  }

  @Override
  public void stopWorkers() {
    if (worker != null) {
      worker.close();
      worker = null;
    }
  }

  @Override
  public long unfinished() throws Exception {
    return Sql.queryLong(ds, "SELECT count(*) FROM " + SCHEMA + ".jobs");
  }

  @Override
  public Map<String, Long> tableSizes() throws Exception {
    return Sql.tableSizes(ds, SCHEMA);
  }

  @Override
  public String polledTable() {
    return "jobs";
  }

  @Override
  public void close() {
    stopWorkers();
    if (gantry != null) {
      gantry.close();
      gantry = null;
    }
  }
}
