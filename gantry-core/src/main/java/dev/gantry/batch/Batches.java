package dev.gantry.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobInserter;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.internal.Db;
import dev.gantry.internal.Json;
import dev.gantry.internal.Sql;
import dev.gantry.job.JobTransitions;
import dev.gantry.job.Transition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Batches: jobs enqueued together, with live counts, and callback jobs enqueued exactly once when
 * the last member finishes ({@link BatchOptions}). Get one from {@code Gantry.batches()}.
 *
 * <pre>{@code
 * BatchResult upload = gantry.batches().enqueue(fileJobs, BatchOptions.defaults()
 *     .withMetadata(Map.of("upload", uploadId))
 *     .onComplete(JobRequest.of("upload.finish", Map.of("upload", uploadId))));
 * Batch b = gantry.batches().get(upload.batchId()).orElseThrow();   // b.percent(), b.completed() ...
 * }</pre>
 *
 * <p>A batch made with {@link #enqueue} is sealed at once: its members are exactly the jobs given.
 * {@link #open} makes a batch that {@link #add} fills over time, until {@link #seal}; its callbacks
 * cannot fire before it is sealed. Callbacks see the batch's id in their metadata ({@code batch_id},
 * and {@code batch_callback}: {@code success}, {@code failure} or {@code complete}).
 *
 * <p>Thread-safe. An instance scoped to a tenant ({@link #forTenant}) makes batches of that tenant
 * only and treats another tenant's batch as missing.
 */
public final class Batches {
  private static final int CANCEL_PAGE = 1_000;

  private final Db db;
  private final Sql sql;
  private final ObjectMapper mapper;
  private final JobInserter inserter;
  private final JobTransitions transitions;
  private final BiConsumer<List<JobRequest>, List<EnqueueResult>> onEnqueued;
  private final BatchWatcher watcher;
  private final String tenant;

  /**
   * For Gantry's own wiring; applications use {@code Gantry.batches()}.
   *
   * @param onEnqueued told of every member enqueued, after the insert (Gantry fires its listeners' events)
   */
  public Batches(Db db, Sql sql, ObjectMapper mapper, JobInserter inserter, JobTransitions transitions,
      BiConsumer<List<JobRequest>, List<EnqueueResult>> onEnqueued, BatchWatcher watcher, String tenant) {
    this.db = db;
    this.sql = sql;
    this.mapper = mapper;
    this.inserter = inserter;
    this.transitions = transitions;
    this.onEnqueued = onEnqueued;
    this.watcher = watcher;
    this.tenant = tenant;
  }

  /** The same operations, limited to one tenant's batches. */
  public Batches forTenant(String tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return new Batches(db, sql, mapper, inserter, transitions, onEnqueued, watcher, tenant);
  }

  /**
   * Enqueues the jobs as one sealed batch, in one transaction: the batch and all its members, or
   * nothing.
   *
   * @throws IllegalArgumentException if a job or the options are invalid (the message names which,
   *     {@code webhook_url} for a webhook whose host is not allowed); nothing was written
   * @throws dev.gantry.GantryException if the database refuses or cannot be reached; nothing was written
   */
  public BatchResult enqueue(List<JobRequest> jobs, BatchOptions options) {
    List<JobRequest> members = members(jobs, options);
    BatchResult result = db.inTransaction("enqueueing a batch of " + jobs.size() + " jobs",
        c -> create(c, members, options, true));
    onEnqueued.accept(members, result.jobs());
    return result;
  }

  /**
   * As {@link #enqueue(List, BatchOptions)}, inside the caller's transaction: the batch exists if and
   * only if the caller commits. The connection is not committed, rolled back or closed here.
   */
  public BatchResult enqueue(Connection transaction, List<JobRequest> jobs, BatchOptions options) throws SQLException {
    List<JobRequest> members = members(jobs, options);
    BatchResult result = create(transaction, members, options, true);
    onEnqueued.accept(members, result.jobs());
    return result;
  }

  /**
   * Opens an empty batch that {@link #add} fills until {@link #seal}. It cannot finish (nor fire its
   * callbacks) before it is sealed.
   *
   * @return the batch's id
   */
  public UUID open(BatchOptions options) {
    return open(List.of(), options).batchId();
  }

  /**
   * Opens a batch with its first members, in one transaction (the batch and those members, or
   * nothing); {@link #add} adds more until {@link #seal}.
   */
  public BatchResult open(List<JobRequest> jobs, BatchOptions options) {
    List<JobRequest> members = members(jobs, options);
    BatchResult result = db.inTransaction("opening a batch of " + jobs.size() + " jobs",
        c -> create(c, members, options, false));
    onEnqueued.accept(members, result.jobs());
    return result;
  }

  /**
   * As {@link #open(List, BatchOptions)}, inside the caller's transaction: the batch exists if and
   * only if the caller commits. The connection is not committed, rolled back or closed here.
   *
   * @throws IllegalArgumentException if a job or the options are invalid (the message names which)
   */
  public BatchResult open(Connection transaction, List<JobRequest> jobs, BatchOptions options) throws SQLException {
    List<JobRequest> members = members(jobs, options);
    BatchResult result = create(transaction, members, options, false);
    onEnqueued.accept(members, result.jobs());
    return result;
  }

  /**
   * Adds jobs to an open batch, all or none, in one transaction.
   *
   * @throws BatchNotFoundException if there is no such batch (of this tenant)
   * @throws IllegalStateException if the batch is sealed or cancelled; nothing was written
   * @throws IllegalArgumentException if a job is invalid or names another tenant
   */
  public BatchResult add(UUID batchId, List<JobRequest> jobs) {
    Batch batch = get(batchId).orElseThrow(() -> new BatchNotFoundException(batchId));
    List<JobRequest> members = members(jobs, BatchOptions.defaults().withTenant(batch.tenant()));
    BatchResult result = db.inTransaction("adding " + jobs.size() + " jobs to batch " + batchId, c -> {
      List<EnqueueResult> inserted = inserter.insert(c, members, batchId);
      if (!grow(c, batchId, newMembers(inserted))) {
        throw new IllegalStateException("batch " + batchId + " is sealed or cancelled: no job can be added to it; "
            + "nothing was written");
      }
      return new BatchResult(batchId, inserted);
    });
    onEnqueued.accept(members, result.jobs());
    return result;
  }

  /**
   * Seals a batch: no member can be added any more, and once every member has finished (at once,
   * if they all have) it finishes and fires its callbacks. Sealing a sealed batch changes nothing.
   *
   * @return the batch after sealing
   * @throws BatchNotFoundException if there is no such batch (of this tenant)
   */
  public Batch seal(UUID batchId) {
    db.inTransaction("sealing batch " + batchId, c -> {
      if (returnsRow(c, "batch_seal", batchId, true)) {
        finishIfDone(c, batchId);
      }
      return null;
    });
    return get(batchId).orElseThrow(() -> new BatchNotFoundException(batchId));
  }

  /** The batch with its live counts; empty if there is none (of this tenant). */
  public Optional<Batch> get(UUID batchId) {
    return db.run("reading batch " + batchId, c -> get(c, batchId));
  }

  /**
   * As {@link #get(UUID)}, on the caller's connection: inside its transaction it sees what the
   * transaction wrote and has not committed (a batch just made with
   * {@link #enqueue(Connection, List, BatchOptions)}).
   */
  public Optional<Batch> get(Connection connection, UUID batchId) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql.get("batch_get"))) {
      ps.setObject(1, batchId);
      ps.setString(2, tenant);
      ps.setString(3, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(readRow(mapper, rs)) : Optional.empty();
      }
    }
  }

  /**
   * Waits until the batch has finished (completed, failed or cancelled), woken by the NOTIFY
   * behind {@link #watch}, not by polling.
   *
   * @return the batch once it finished, at once if it already had; or, when {@code timeout}
   *     passed first, the batch as it is then (unfinished); empty if there is no such batch (of
   *     this tenant)
   * @throws InterruptedException if the calling thread is interrupted while waiting; the watch is closed
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public Optional<Batch> awaitFinished(UUID batchId, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<Batch> finished = new CompletableFuture<>();
    BatchSubscription subscription;
    try {
      subscription = watch(batchId, b -> {
        if (b.state().isFinished()) {
          finished.complete(b);
        }
      });
    } catch (BatchNotFoundException e) {
      return Optional.empty();
    }
    try (subscription) {
      return Optional.of(finished.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      // Read again rather than keep the watch's last call: a delivery may be under way.
      return get(batchId);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the batch watch never completes exceptionally", e);
    }
  }

  /**
   * Watches a batch, a progress bar's way: calls {@code onChange} at once, on the calling thread,
   * with the batch as it is now, then again (on another thread, one call at a time, in order)
   * with the batch as read after its counts or state changed, until the subscription is closed.
   * Driven by NOTIFY, not by polling: a burst of outcomes gives one call or a few, each with the
   * counts as they then are. A batch that finished makes its last call with its final state. The
   * first watch in a process returns once the notifier listens for batch changes (within about a
   * quarter of a second), so that no change after it returns goes unpushed.
   *
   * @throws BatchNotFoundException if there is no such batch (of this tenant)
   * @throws dev.gantry.GantryException if the database cannot be reached
   */
  public BatchSubscription watch(UUID batchId, java.util.function.Consumer<Batch> onChange) {
    return watcher.watch(batchId, this::get, onChange);
  }

  /**
   * Cancels a batch: it is sealed, its waiting members are cancelled at once (they never run), and
   * the workers running the others are asked to stop (their handlers see
   * {@code JobContext.isCancelled()}; a handler that finishes anyway is recorded as it ends). The
   * batch finishes, and fires its failure and complete callbacks as they apply, once its last
   * member has finished. Cancelling a cancelled batch cancels whatever of it still waits.
   *
   * @return the batch after the cancellation was applied
   * @throws BatchNotFoundException if there is no such batch (of this tenant)
   */
  public Batch cancel(UUID batchId) {
    boolean found = db.run("cancelling batch " + batchId, c -> returnsRow(c, "batch_cancel", batchId, true));
    if (!found) {
      throw new BatchNotFoundException(batchId);
    }
    cancelWaitingMembers(batchId);
    db.run("asking the workers of batch " + batchId + " to stop", c -> returnsRow(c, "batch_request_cancel", batchId,
        false));
    // A running member that failed and went back to waiting in the meantime is cancelled now.
    cancelWaitingMembers(batchId);
    // A batch with no member left to finish (empty, or all finished before it was sealed) finishes
    // here: no outcome is coming to finish it.
    db.run("finishing batch " + batchId, c -> {
      finishIfDone(c, batchId);
      return null;
    });
    return get(batchId).orElseThrow(() -> new BatchNotFoundException(batchId));
  }

  private void cancelWaitingMembers(UUID batchId) {
    while (true) {
      List<UUID> page = db.run("listing the waiting jobs of batch " + batchId, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.get("batch_waiting_members"))) {
          ps.setObject(1, batchId);
          ps.setInt(2, CANCEL_PAGE);
          List<UUID> ids = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getObject(1, UUID.class));
            }
          }
          return ids;
        }
      });
      if (page.isEmpty()) {
        return;
      }
      List<Transition> cancels = new ArrayList<>(page.size());
      for (UUID id : page) {
        cancels.add(new Transition(id, null, Transition.Outcome.CANCELLED, null, null, 0, null));
      }
      int changed = db.run("cancelling the waiting jobs of batch " + batchId, c -> transitions.apply(c, cancels).size());
      if (changed == 0) {
        return; // every one of them was claimed meanwhile: the running ones are asked to stop
      }
    }
  }

  private BatchResult create(Connection c, List<JobRequest> members, BatchOptions options, boolean seal)
      throws SQLException {
    inserter.checkWebhook(options.webhook(), "webhook_url");
    UUID batchId;
    try (PreparedStatement ps = c.prepareStatement(sql.get("batch_create"))) {
      ps.setString(1, tenantOf(options));
      ps.setString(2, Json.write(mapper, options.metadata(), "batch metadata"));
      ps.setString(3, BatchMembers.callbacksJson(mapper, options));
      ps.setString(4, options.webhook() == null ? null : options.webhook().url().toString());
      ps.setString(5, options.webhook() == null ? null : options.webhook().signingKey());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        batchId = rs.getObject(1, UUID.class);
      }
    }
    List<EnqueueResult> inserted = inserter.insert(c, members, batchId);
    grow(c, batchId, newMembers(inserted));
    if (seal) {
      returnsRow(c, "batch_seal", batchId, true);
      finishIfDone(c, batchId); // an empty batch, or one whose every job was a duplicate
    }
    return new BatchResult(batchId, inserted);
  }

  private boolean grow(Connection c, UUID batchId, int count) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("batch_grow"))) {
      ps.setInt(1, count);
      ps.setObject(2, batchId);
      ps.setString(3, tenant);
      ps.setString(4, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void finishIfDone(Connection c, UUID batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get("batch_finish"))) {
      ps.setObject(1, batchId);
      ps.execute();
    }
  }

  private boolean returnsRow(Connection c, String statement, UUID batchId, boolean withTenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.get(statement))) {
      ps.setObject(1, batchId);
      if (withTenant) {
        ps.setString(2, tenant);
        ps.setString(3, tenant);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int newMembers(List<EnqueueResult> inserted) {
    return (int) inserted.stream().filter(r -> !r.duplicate()).count();
  }

  private String tenantOf(BatchOptions options) {
    return BatchMembers.tenantOf(tenant, options);
  }

  /** The jobs as members: each gets the batch's tenant; one naming another tenant is refused. */
  private List<JobRequest> members(List<JobRequest> jobs, BatchOptions options) {
    Objects.requireNonNull(options, "options");
    return BatchMembers.withTenant(jobs, tenantOf(options), "jobs");
  }

  private static Batch readRow(ObjectMapper mapper, ResultSet rs) throws SQLException {
    int total = rs.getInt("total");
    int completed = rs.getInt("completed");
    int dead = rs.getInt("dead");
    int cancelled = rs.getInt("cancelled");
    int running = rs.getInt("running");
    int finished = completed + dead + cancelled;
    Instant sealedAt = instant(rs.getTimestamp("sealed_at"));
    Instant finishedAt = instant(rs.getTimestamp("finished_at"));
    BatchState state;
    if (finishedAt != null) {
      boolean cancelRequested = rs.getTimestamp("cancel_requested_at") != null;
      state = dead > 0 ? BatchState.FAILED
          : completed == total && !cancelRequested ? BatchState.COMPLETED : BatchState.CANCELLED;
    } else {
      state = sealedAt == null ? BatchState.OPEN : BatchState.RUNNING;
    }
    double percent = total == 0 ? (finishedAt != null ? 100 : 0) : 100.0 * finished / total;
    return new Batch(
        rs.getObject("id", UUID.class),
        rs.getString("tenant"),
        Json.read(mapper, rs.getString("metadata")),
        state,
        total,
        Math.max(0, total - finished - running),
        running,
        completed,
        dead,
        cancelled,
        percent,
        rs.getTimestamp("cancel_requested_at") != null,
        instant(rs.getTimestamp("created_at")),
        sealedAt,
        finishedAt);
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
