package dev.gantry.bench;

import dev.gantry.Gantry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The ceiling: Gantry's own schema (its migration, in schema {@code bench_raw}) driven by the
 * minimal statements a job needs, with no library around them: one bulk INSERT, one claim
 * (CTE + SKIP LOCKED + UPDATE), one DELETE ... RETURNING feeding an INSERT into finished_jobs per
 * batch of outcomes, and the hot table's VACUUM by Gantry's rule. One fetcher thread (LISTENing on
 * its own connection) claims up to the free slots, virtual threads run the handlers, one completer
 * thread writes outcomes in batches. No lease tokens, heartbeats, retries, JSON mapping, events or
 * other maintenance.
 */
final class RawSqlSystem implements QueueSystem {
  static final String SCHEMA = "bench_raw";
  private static final int ENQUEUE_CHUNK = 5_000;
  private static final int CLAIM_BATCH = 100;
  private static final int COMPLETE_BATCH = 1_000;
  private static final long FLUSH_NANOS = 10_000_000;

  private static final String INSERT_BULK = "INSERT INTO " + SCHEMA + ".jobs (kind, args, state) "
      + "SELECT 'noop', a::jsonb, 'available' FROM unnest(?::text[]) a";
  private static final String INSERT_ONE = "INSERT INTO " + SCHEMA + ".jobs (kind, args, state) "
      + "VALUES ('noop', ?::jsonb, 'available')";
  // Like Gantry's claim, the claim's commit does not wait for the WAL flush (see docs/design.md).
  private static final String CLAIM = "WITH no_flush AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)), "
      + "picked AS (SELECT id FROM " + SCHEMA + ".jobs "
      + "WHERE state = 'available' AND queue = 'default' ORDER BY priority, scheduled_at, id LIMIT ? "
      + "FOR UPDATE SKIP LOCKED) "
      + "UPDATE " + SCHEMA + ".jobs j SET state = 'running', attempt = j.attempt + 1, attempted_at = now(), "
      + "lease_expires_at = now() + interval '30 seconds' FROM picked, no_flush WHERE j.id = picked.id "
      + "RETURNING j.id, (j.args ->> 'seq')::int";
  private static final String COMPLETE = "WITH done AS (DELETE FROM " + SCHEMA + ".jobs WHERE id = ANY(?::uuid[]) "
      + "RETURNING *) INSERT INTO " + SCHEMA + ".finished_jobs (id, queue, kind, args, state, priority, attempt, "
      + "max_attempts, timeout_ms, unique_key, tags, metadata, errors, created_at, scheduled_at, attempted_at, "
      + "worker_id) SELECT id, queue, kind, args, 'completed', priority, attempt, max_attempts, timeout_ms, "
      + "unique_key, tags, metadata, errors, created_at, scheduled_at, attempted_at, worker_id FROM done";

  // The fourth statement the schema needs under load: the same vacuum rule as Gantry's maintenance
  // (HotTableVacuum: at least 10,000 dead row versions and a tenth of the live rows, checked every
  // second), without which every claim reads through the index entries of the jobs claimed before it.
  private static final String VACUUM_DUE = "SELECT n_dead_tup >= 10000 AND n_dead_tup >= 0.1 * n_live_tup "
      + "FROM pg_stat_user_tables WHERE schemaname = '" + SCHEMA + "' AND relname = 'jobs'";
  private static final String VACUUM = "VACUUM (SKIP_LOCKED) " + SCHEMA + ".jobs";

  private final DataSource ds;
  private volatile boolean running;
  private Thread vacuumer;
  private Thread fetcher;
  private Thread completer;
  private ExecutorService handlers;
  private final LinkedBlockingQueue<UUID> done = new LinkedBlockingQueue<>();

  RawSqlSystem(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public String name() {
    return "raw-sql";
  }

  @Override
  public String schema() {
    return SCHEMA;
  }

  @Override
  public String configuration() {
    return "Gantry's schema (same migration, same indexes and triggers) with three hand-written statements: "
        + "bulk INSERT ... unnest (chunks of 5,000), claim CTE with FOR UPDATE SKIP LOCKED whose commit does not wait "
        + "for the WAL flush (as soon as a slot is free, up to the free slots, at most 100), DELETE ... RETURNING into finished_jobs (up to 1,000 per statement, flushed after 10 ms "
        + "or when full, as Gantry's completer). One fetcher thread that LISTENs on its own connection (woken by the "
        + "schema's insert trigger, 1 s fallback), handlers on virtual threads, concurrency = the workload's "
        + "thread count. A VACUUM of the jobs table by Gantry's rule (checked every second; at least 10,000 dead "
        + "row versions and a tenth of the live rows). No lease tokens, heartbeats, retries, JSON mapping, events or "
        + "other maintenance.";
  }

  @Override
  public void setUp() throws Exception {
    stopWorkers();
    Sql.dropSchema(ds, SCHEMA);
    Sql.execute(ds, Gantry.migrationScript(SCHEMA));
  }

  @Override
  public void enqueueBulk(int from, int count) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_BULK)) {
      for (int start = from; start < from + count; start += ENQUEUE_CHUNK) {
        int end = Math.min(from + count, start + ENQUEUE_CHUNK);
        String[] args = new String[end - start];
        for (int i = start; i < end; i++) {
          args[i - start] = "{\"seq\":" + i + "}";
        }
        ps.setArray(1, c.createArrayOf("text", args));
        ps.executeUpdate();
      }
    }
  }

  @Override
  public void enqueueOne(int seq) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_ONE)) {
      ps.setString(1, "{\"seq\":" + seq + "}");
      ps.executeUpdate();
    }
  }

  @Override
  public void startWorkers(int concurrency, Recorder recorder, long sleepMillis) throws SQLException {
    running = true;
    done.clear();
    Semaphore slots = new Semaphore(concurrency);
    handlers = Executors.newVirtualThreadPerTaskExecutor();
    Connection listen = ds.getConnection();
    try (Statement s = listen.createStatement()) {
      s.execute("LISTEN " + SCHEMA + "_wakeup");
    }
    fetcher = new Thread(() -> fetchLoop(listen, slots, concurrency, recorder, sleepMillis), "raw-fetcher");
    completer = new Thread(this::completeLoop, "raw-completer");
    vacuumer = new Thread(this::vacuumLoop, "raw-vacuum");
    fetcher.start();
    completer.start();
    vacuumer.start();
  }

  private void fetchLoop(Connection c, Semaphore slots, int concurrency, Recorder recorder, long sleepMillis) {
    try (c; PreparedStatement claim = c.prepareStatement(CLAIM)) {
      PGConnection pg = c.unwrap(PGConnection.class);
      // Claim as soon as a slot is free, as many jobs as there are free slots (at most a batch):
      // Gantry's own policy. (Waiting until half the slots were free measured the same.)
      while (running) {
        if (!slots.tryAcquire(1, 100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        int wanted = 1;
        while (wanted < CLAIM_BATCH && slots.tryAcquire()) {
          wanted++;
        }
        claim.setInt(1, wanted);
        int got = 0;
        try (ResultSet rs = claim.executeQuery()) {
          while (rs.next()) {
            UUID id = rs.getObject(1, UUID.class);
            int seq = rs.getInt(2);
            got++;
            handlers.execute(() -> {
              try {
                recorder.started(seq);
                if (sleepMillis > 0) {
                  Thread.sleep(sleepMillis);
                }
                recorder.finished();
                done.add(id);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                slots.release();
              }
            });
          }
        }
        slots.release(wanted - got);
        if (got == 0) {
          // Blocks until a NOTIFY or 1 s. Wake-ups that arrived while claiming are queued in the
          // driver and answered here at once; not draining them after every claim matters:
          // pgjdbc's non-blocking getNotifications() peeks the socket with a 1 ms timeout, which
          // measured 1.8 ms per call and made this loop slower than Gantry's.
          pg.getNotifications(1000);
        }
      }
    } catch (Exception e) {
      if (running) {
        System.err.println("raw-sql fetcher failed: " + e);
      }
    }
  }

  private void completeLoop() {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(COMPLETE)) {
      List<UUID> batch = new ArrayList<>(COMPLETE_BATCH);
      while (running || !done.isEmpty()) {
        UUID first = done.poll(10, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        // Like Gantry's completer: let outcomes gather for up to 10 ms unless a batch is full.
        long flushAt = System.nanoTime() + FLUSH_NANOS;
        while (batch.size() < COMPLETE_BATCH && System.nanoTime() < flushAt) {
          done.drainTo(batch, COMPLETE_BATCH - batch.size());
          if (batch.size() < COMPLETE_BATCH) {
            UUID next = done.poll(Math.max(0, flushAt - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next != null) {
              batch.add(next);
            }
          }
        }
        Array ids = c.createArrayOf("uuid", batch.toArray());
        ps.setArray(1, ids);
        ps.executeUpdate();
        batch.clear();
      }
    } catch (Exception e) {
      System.err.println("raw-sql completer failed: " + e);
    }
  }

  private void vacuumLoop() {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      while (running) {
        Thread.sleep(1_000);
        try (ResultSet rs = s.executeQuery(VACUUM_DUE)) {
          if (rs.next() && rs.getBoolean(1)) {
            s.execute(VACUUM);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.err.println("raw-sql vacuum failed: " + e);
    }
  }

  @Override
  public void stopWorkers() throws InterruptedException {
    if (!running) {
      return;
    }
    running = false;
    vacuumer.interrupt();
    vacuumer.join();
    fetcher.join();
    handlers.shutdownNow();
    handlers.awaitTermination(5, TimeUnit.SECONDS);
    completer.join();
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
}
