package dev.gantry.server.http.jobs;

import dev.gantry.Gantry;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobNotFoundException;
import dev.gantry.job.JobPage;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.tenant.TenantJobs;
import dev.gantry.watch.JobSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The jobs one API key may see and change: every job for a key without a tenant, and for a key
 * limited to a tenant (whatever its role, admin included) only that tenant's, through
 * {@link Gantry#forTenant(String)}, whose statements carry the tenant in SQL. Another tenant's
 * job then behaves exactly like a missing one.
 */
public final class CallerJobs {
  private final Gantry gantry;
  private final TenantJobs tenantJobs;

  private CallerJobs(Gantry gantry, TenantJobs tenantJobs) {
    this.gantry = gantry;
    this.tenantJobs = tenantJobs;
  }

  /** What {@code key} may reach of {@code gantry}'s jobs. */
  public static CallerJobs of(Gantry gantry, ApiKey key) {
    return new CallerJobs(gantry, key.tenant() == null ? null : gantry.forTenant(key.tenant()));
  }

  /** The key's tenant, or null when it may reach every job. */
  public String tenant() {
    return tenantJobs == null ? null : tenantJobs.tenant();
  }

  /**
   * The requests as this key may enqueue them. A key limited to a tenant enqueues for that tenant
   * only: requests without a tenant get it, requests naming it are kept. A key without a tenant
   * may name any tenant, or none (unchanged).
   *
   * @param tenantField the request field that named request {@code i}'s tenant, for the problem
   *     ({@code tenant}, {@code jobs[3].tenant})
   * @throws ProblemException 403 naming every request whose tenant is not the key's; then none of
   *     the requests may be enqueued
   */
  public List<JobRequest> stamp(List<JobRequest> requests, IntFunction<String> tenantField) {
    if (tenantJobs == null) {
      return requests;
    }
    String own = tenantJobs.tenant();
    List<FieldError> refused = new ArrayList<>();
    List<JobRequest> stamped = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      JobRequest r = requests.get(i);
      String asked = r.options().tenant();
      if (asked != null && !asked.equals(own)) {
        refused.add(new FieldError(tenantField.apply(i), "this key is limited to tenant '" + own
            + "' and cannot enqueue for tenant '" + asked + "'; leave tenant out or set it to '" + own + "'"));
      }
      stamped.add(asked != null ? r : new JobRequest(r.kind(), r.args(), r.options().withTenant(own)));
    }
    if (!refused.isEmpty()) {
      String detail = refused.size() == 1
          ? refused.get(0).field() + ": " + refused.get(0).message()
          : refused.size() + " jobs name a tenant other than this key's tenant '" + own + "'; see errors. Nothing was enqueued";
      throw Problems.forbidden(detail, refused);
    }
    return stamped;
  }

  public Optional<Job> job(UUID id) {
    return tenantJobs == null ? gantry.job(id) : tenantJobs.job(id);
  }

  public JobPage jobs(JobFilter filter) {
    return tenantJobs == null ? gantry.jobs(filter) : tenantJobs.jobs(filter);
  }

  /** @throws JobNotFoundException if the key cannot reach such a job */
  public CancelResult cancel(UUID id) {
    return tenantJobs == null ? gantry.cancel(id) : tenantJobs.cancel(id);
  }

  /**
   * @throws JobNotFoundException if the key cannot reach such a job
   * @throws IllegalStateException if the job is running or already due
   */
  public void retry(UUID id) {
    if (tenantJobs == null) {
      gantry.retry(id);
    } else {
      tenantJobs.retry(id);
    }
  }

  /**
   * @throws JobNotFoundException if the key cannot reach such a job
   * @throws IllegalStateException if the job is running
   */
  public void delete(UUID id) {
    if (tenantJobs == null) {
      gantry.delete(id);
    } else {
      tenantJobs.delete(id);
    }
  }

  /** @throws JobNotFoundException if the key cannot reach such a job */
  public Optional<Job> awaitCompletion(UUID id, Duration timeout) throws InterruptedException {
    return tenantJobs == null ? gantry.awaitCompletion(id, timeout) : tenantJobs.awaitCompletion(id, timeout);
  }

  /** @throws JobNotFoundException if the key cannot reach such a job */
  public JobSubscription watch(UUID id, Consumer<Job> onChange) {
    return tenantJobs == null ? gantry.watch(id, onChange) : tenantJobs.watch(id, onChange);
  }
}
