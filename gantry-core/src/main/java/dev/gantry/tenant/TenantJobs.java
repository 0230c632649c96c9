package dev.gantry.tenant;

import dev.gantry.Gantry;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobPage;
import dev.gantry.watch.JobSubscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One tenant's view of the jobs, from {@link Gantry#forTenant(String)}. Jobs enqueued here belong
 * to the tenant; every other call touches only the tenant's jobs, checked in the SQL statement
 * itself ({@code tenant = ?}), so another tenant's job behaves exactly like a job that does not
 * exist: empty results and {@link JobNotFoundException}. Unique keys are unique per tenant.
 *
 * <p>Thread-safe and cheap: make one per request if that is convenient.
 */
public final class TenantJobs {
  private final String tenant;
  private final Operations ops;

  /**
   * What the view needs from its Gantry instance, each with the tenant as a guard. Implemented by
   * {@link Gantry}; applications use {@link Gantry#forTenant(String)} instead.
   */
  public interface Operations {
    List<EnqueueResult> enqueueAll(List<JobRequest> requests);

    Optional<Job> job(UUID id, String tenant);

    JobPage jobs(JobFilter filter);

    CancelResult cancel(UUID id, String tenant);

    void retry(UUID id, String tenant);

    void delete(UUID id, String tenant);

    Optional<Job> awaitCompletion(UUID id, String tenant, Duration timeout) throws InterruptedException;

    JobSubscription watch(UUID id, String tenant, Consumer<Job> onChange);
  }

  /**
   * @throws IllegalArgumentException if the tenant name is not valid (see {@link JobOptions#requireTenant})
   */
  public TenantJobs(String tenant, Operations ops) {
    this.tenant = JobOptions.requireTenant(tenant);
    this.ops = ops;
  }

  public String tenant() {
    return tenant;
  }

  /** Enqueues a job of this tenant with default options; see {@link #enqueue(String, Object, JobOptions)}. */
  public EnqueueResult enqueue(String kind, Object args) {
    return enqueue(kind, args, JobOptions.defaults());
  }

  /**
   * Enqueues a job of this tenant in its own transaction, as {@link Gantry#enqueue(String, Object, JobOptions)}.
   * A duplicate unique key returns this tenant's job with that key, never another tenant's.
   *
   * @throws IllegalArgumentException if the options name another tenant, or the kind, options or args are invalid
   */
  public EnqueueResult enqueue(String kind, Object args, JobOptions options) {
    return enqueueAll(List.of(new JobRequest(kind, args, options))).get(0);
  }

  /**
   * Enqueues many jobs of this tenant in one statement, all or none.
   *
   * @return one result per request, in order
   * @throws IllegalArgumentException if a request's options name another tenant (nothing is enqueued)
   */
  public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
    List<JobRequest> stamped = requests.stream()
        .map(r -> new JobRequest(r.kind(), r.args(), stamp(r.options())))
        .toList();
    return ops.enqueueAll(stamped);
  }

  private JobOptions stamp(JobOptions options) {
    if (options.tenant() != null && !options.tenant().equals(tenant)) {
      throw new IllegalArgumentException("options.tenant is '" + options.tenant() + "' but this view is tenant '" + tenant
          + "': leave the tenant unset, or use Gantry.forTenant(\"" + options.tenant() + "\")");
    }
    return options.withTenant(tenant);
  }

  /** This tenant's job with this id, running or finished; empty if there is none. */
  public Optional<Job> job(UUID id) {
    return ops.job(id, tenant);
  }

  /**
   * A page of this tenant's jobs, newest first, as {@link Gantry#jobs(JobFilter)}.
   *
   * @throws IllegalArgumentException if the filter names another tenant
   */
  public JobPage jobs(JobFilter filter) {
    if (filter.tenant() != null && !filter.tenant().equals(tenant)) {
      throw new IllegalArgumentException("filter.tenant is '" + filter.tenant() + "' but this view is tenant '" + tenant
          + "': leave the filter's tenant unset");
    }
    return ops.jobs(filter.withTenant(tenant));
  }

  /**
   * Cancels this tenant's job, as {@link Gantry#cancel(UUID)}.
   *
   * @throws JobNotFoundException if this tenant has no such job
   */
  public CancelResult cancel(UUID id) {
    return ops.cancel(id, tenant);
  }

  /**
   * Runs this tenant's finished or waiting job again, as {@link Gantry#retry(UUID)}.
   *
   * @throws JobNotFoundException if this tenant has no such job
   * @throws IllegalStateException if the job is running or already waiting to run now
   */
  public void retry(UUID id) {
    ops.retry(id, tenant);
  }

  /**
   * Deletes this tenant's job that is not running, as {@link Gantry#delete(UUID)}.
   *
   * @throws JobNotFoundException if this tenant has no such job
   * @throws IllegalStateException if it is running (cancel it first)
   */
  public void delete(UUID id) {
    ops.delete(id, tenant);
  }

  /**
   * Waits until this tenant's job finishes, as {@link Gantry#awaitCompletion(UUID, Duration)}.
   *
   * @return the finished job, or empty if it did not finish within the timeout
   * @throws JobNotFoundException if this tenant has no such job
   */
  public Optional<Job> awaitCompletion(UUID id, Duration timeout) throws InterruptedException {
    return ops.awaitCompletion(id, tenant, timeout);
  }

  /**
   * Watches this tenant's job, as {@link Gantry#watch(UUID, Consumer)}.
   *
   * @throws JobNotFoundException if this tenant has no such job
   */
  public JobSubscription watch(UUID id, Consumer<Job> onChange) {
    return ops.watch(id, tenant, onChange);
  }
}
