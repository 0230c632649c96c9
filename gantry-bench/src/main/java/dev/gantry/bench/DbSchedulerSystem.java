package dev.gantry.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** db-scheduler one-time tasks, lock-and-fetch polling, its PostgreSQL table in schema bench_dbs. */
final class DbSchedulerSystem implements QueueSystem {
  static final String SCHEMA = "bench_dbs";
  private static final String TABLE = SCHEMA + ".scheduled_tasks";
  private static final int ENQUEUE_CHUNK = 1_000;

  // The table from db-scheduler's README (src/main/resources/postgresql_tables.sql).
  private static final String DDL = "CREATE SCHEMA " + SCHEMA + ";"
      + "CREATE TABLE " + TABLE + " (task_name text NOT NULL, task_instance text NOT NULL, task_data bytea, "
      + "execution_time timestamptz NOT NULL, picked boolean NOT NULL, picked_by text, last_success timestamptz, "
      + "last_failure timestamptz, consecutive_failures int, last_heartbeat timestamptz, version bigint NOT NULL, "
      + "priority smallint, PRIMARY KEY (task_name, task_instance));"
      + "CREATE INDEX execution_time_idx ON " + TABLE + " (execution_time);"
      + "CREATE INDEX last_heartbeat_idx ON " + TABLE + " (last_heartbeat);"
      + "CREATE INDEX priority_execution_time_idx ON " + TABLE + " (priority DESC, execution_time ASC);";

  private final DataSource ds;
  private volatile Recorder recorder;
  private volatile long sleepMillis;
  private final OneTimeTask<Integer> task;
  private SchedulerClient client;
  private Scheduler scheduler;

  DbSchedulerSystem(DataSource ds) {
    this.ds = ds;
    this.task = Tasks.oneTime("noop", Integer.class).execute((instance, ctx) -> {
      Recorder r = recorder;
      r.started(instance.getData());
      if (sleepMillis > 0) {
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      r.finished();
    });
  }

  @Override
  public String name() {
    return "db-scheduler";
  }

  @Override
  public String schema() {
    return SCHEMA;
  }

  @Override
  public String configuration() {
    return "db-scheduler 16.7.1 (newest release Maven Central serves). One-time task, Integer data (default Java "
        + "serializer). `pollUsingLockAndFetch(0.5, 1.0)`: the README's recommendation for high throughput on "
        + "PostgreSQL (one UPDATE ... SKIP LOCKED RETURNING per fetch; refetches as soon as fewer than half the "
        + "threads are busy); `threads(n)` = the workload's thread count; `pollingInterval(1 s)` (default 10 s; "
        + "1 s matches Gantry's fallback poll); `enableImmediateExecution()` so that a job scheduled through the "
        + "running scheduler for now wakes it (the documented low-latency option); bulk enqueue with "
        + "`scheduleBatch` in chunks of 1,000; shutdownMaxWait 2 s.";
  }

  @Override
  public void setUp() throws Exception {
    stopWorkers();
    Sql.dropSchema(ds, SCHEMA);
    Sql.execute(ds, DDL);
    client = SchedulerClient.Builder.create(ds, task).tableName(TABLE).build();
  }

  private SchedulerClient client() {
    return scheduler != null ? scheduler : client;
  }

  @Override
  public void enqueueBulk(int from, int count) {
    Instant now = Instant.now();
    for (int start = from; start < from + count; start += ENQUEUE_CHUNK) {
      int end = Math.min(from + count, start + ENQUEUE_CHUNK);
      List<TaskInstance<?>> batch = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        batch.add(task.instance("j" + i, i));
      }
      client().scheduleBatch(batch, now);
    }
  }

  @Override
  public void enqueueOne(int seq) {
    client().schedule(task.instance("j" + seq, seq), Instant.now());
  }

  @Override
  public void startWorkers(int concurrency, Recorder recorder, long sleepMillis) {
    this.recorder = recorder;
    this.sleepMillis = sleepMillis;
    scheduler = Scheduler.create(ds, task)
        .tableName(TABLE)
        .threads(concurrency)
        .pollingInterval(Duration.ofSeconds(1))
        .pollUsingLockAndFetch(0.5, 1.0)
        .enableImmediateExecution()
        .shutdownMaxWait(Duration.ofSeconds(2))
        .build();
    scheduler.start();
  }

  @Override
  public void stopWorkers() {
    if (scheduler != null) {
      scheduler.stop();
      scheduler = null;
    }
  }

  @Override
  public long unfinished() throws Exception {
    return Sql.queryLong(ds, "SELECT count(*) FROM " + TABLE);
  }

  @Override
  public Map<String, Long> tableSizes() throws Exception {
    return Sql.tableSizes(ds, SCHEMA);
  }

  @Override
  public String polledTable() {
    return "scheduled_tasks";
  }
}
