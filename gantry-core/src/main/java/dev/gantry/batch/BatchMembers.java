package dev.gantry.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What batches and workflows share about their rows: whose they are, what their members look
 * like, and how their callbacks are stored.
 */
public final class BatchMembers {
  private BatchMembers() {}

  /**
   * The tenant a new batch belongs to: the caller's, when the caller is scoped to one (the
   * options may only repeat it), else the options'.
   *
   * @throws IllegalArgumentException if the options name another tenant than the caller's
   */
  public static String tenantOf(String callerTenant, BatchOptions options) {
    if (callerTenant != null && options.tenant() != null && !callerTenant.equals(options.tenant())) {
      throw new IllegalArgumentException("tenant: this caller may only make batches of tenant " + callerTenant
          + ", got " + options.tenant());
    }
    return callerTenant != null ? callerTenant : options.tenant();
  }

  /**
   * The jobs as members of a batch of {@code batchTenant}: each gets the batch's tenant.
   *
   * @param field how the jobs are named in error messages ("jobs", "steps")
   * @throws IllegalArgumentException if a job names another tenant
   */
  public static List<JobRequest> withTenant(List<JobRequest> jobs, String batchTenant, String field) {
    Objects.requireNonNull(jobs, field);
    List<JobRequest> out = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      JobRequest r = Objects.requireNonNull(jobs.get(i), field + "[" + i + "]");
      JobOptions o = r.options();
      if (o.tenant() != null && !o.tenant().equals(batchTenant)) {
        throw new IllegalArgumentException(field + "[" + i + "].tenant: a member belongs to the batch's tenant ("
            + batchTenant + "), got " + o.tenant() + "; leave it out or give the batch's");
      }
      out.add(o.tenant() == null && batchTenant != null ? new JobRequest(r.kind(), r.args(), o.withTenant(batchTenant))
          : r);
    }
    return out;
  }

  /** The callbacks as the batches table stores them, for finish_batch() to enqueue. */
  public static String callbacksJson(ObjectMapper mapper, BatchOptions options) {
    Map<String, Object> callbacks = new LinkedHashMap<>();
    put(callbacks, "success", options.onSuccess());
    put(callbacks, "failure", options.onFailure());
    put(callbacks, "complete", options.onComplete());
    return Json.write(mapper, callbacks, "batch callbacks");
  }

  private static void put(Map<String, Object> callbacks, String when, JobRequest r) {
    if (r == null) {
      return;
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("kind", r.kind());
    c.put("args", r.args() == null ? Map.of() : r.args());
    c.put("queue", r.options().queue());
    c.put("priority", r.options().priority());
    if (r.options().maxAttempts() != null) {
      c.put("max_attempts", r.options().maxAttempts());
    }
    if (r.options().timeout() != null) {
      c.put("timeout_ms", Math.max(1, r.options().timeout().toMillis()));
    }
    c.put("metadata", r.options().metadata());
    callbacks.put(when, c);
  }
}
