package dev.gantry.server.http.leases;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.Gantry;
import dev.gantry.job.Job;
import dev.gantry.remote.ClaimRequest;
import dev.gantry.remote.JobLeases;
import dev.gantry.remote.LeaseResult;
import dev.gantry.remote.LeasedJob;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.LongRequests;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.RequestBody;
import dev.gantry.server.http.Responses;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.jobs.CallerJobs;
import dev.gantry.server.http.jobs.JobRoutes;
import dev.gantry.server.http.jobs.JobView;
import dev.gantry.server.http.metrics.ServerMetrics;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The remote worker protocol: {@code POST /v1/claims} leases jobs (long-polling when asked to
 * wait), and {@code POST /v1/jobs/{id}/heartbeat}, {@code .../complete} and {@code .../fail} renew
 * the lease and report the outcome, each naming the lease token of its claim. Through
 * {@link JobLeases}, so every write is guarded by that token in SQL: a worker whose lease was lost
 * (expired and rescued, or already reported) gets 409 and changes nothing. A key limited to a
 * tenant claims and reports on that tenant's jobs only; another tenant's job is a 404.
 */
public final class LeaseRoutes {
  private final Gantry gantry;
  private final RequestBody body;
  private final ServerMetrics metrics;
  private final LongRequests longRequests;

  public LeaseRoutes(Gantry gantry, RequestBody body, ServerMetrics metrics, LongRequests longRequests) {
    this.gantry = gantry;
    this.body = body;
    this.metrics = metrics;
    this.longRequests = longRequests;
  }

  /** {@code POST /v1/claims}: the jobs claimed, possibly none after the wait. */
  public void claim(Context ctx) {
    QueryParams.of(ctx, Set.of());
    ApiKey caller = Authenticator.caller(ctx);
    ClaimRequest request = LeaseRequests.claim(body.json(ctx).value(), caller.tenant(), caller.name());
    longRequests.run(() -> {
      List<LeasedJob> claimed = gantry.leases().claim(request);
      ObjectNode response = ApiJson.object();
      ArrayNode jobs = response.putArray("jobs");
      for (LeasedJob job : claimed) {
        metrics.recordStart(job.queue(), job.kind(), job.scheduledAt(), job.attemptedAt());
        jobs.add(view(job));
      }
      Responses.json(ctx, 200, response);
    });
  }

  /** {@code POST /v1/jobs/{id}/heartbeat}: the lease's new end, and whether a cancel was asked for. */
  public void heartbeat(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = JobRoutes.pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    LeaseRequests.Heartbeat h = LeaseRequests.heartbeat(body.json(ctx).value());
    LeaseResult.Ok ok = written(id, gantry.leases().heartbeat(id, h.leaseToken(), h.extend(), h.progress(), caller.tenant()));
    ObjectNode response = ApiJson.object();
    response.put("lease_expires_at", text(ok.leaseExpiresAt()));
    response.put("cancel_requested", ok.cancelRequested());
    Responses.json(ctx, 200, response);
  }

  /** {@code POST /v1/jobs/{id}/complete}: the job, completed. */
  public void complete(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = JobRoutes.pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    LeaseRequests.Completion c = LeaseRequests.completion(body.json(ctx).value());
    written(id, gantry.leases().complete(id, c.leaseToken(), c.result(), caller.tenant()));
    respondWithJob(ctx, caller, id);
  }

  /** {@code POST /v1/jobs/{id}/fail}: the job in its new state (retryable, dead, or cancelled if a cancel was asked for). */
  public void fail(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = JobRoutes.pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    LeaseRequests.Failure f = LeaseRequests.failure(body.json(ctx).value());
    written(id, gantry.leases().fail(id, f.leaseToken(), f.error(), f.retryable(), caller.tenant()));
    respondWithJob(ctx, caller, id);
  }

  private void respondWithJob(Context ctx, ApiKey caller, UUID id) {
    // Read after the outcome's commit; only an operator deleting the job in between makes it a 404.
    Job job = CallerJobs.of(gantry, caller).job(id).orElseThrow(() -> JobRoutes.notFound(id));
    Responses.json(ctx, 200, JobView.of(job, JobRoutes.seesStackTraces(caller)));
  }

  /** The result if the write was made; the problem to answer with if it was not. */
  private static LeaseResult.Ok written(UUID id, LeaseResult result) {
    return switch (result) {
      case LeaseResult.Ok ok -> ok;
      case LeaseResult.LeaseLost lost -> throw leaseLost(id);
      case LeaseResult.NotFound missing -> throw JobRoutes.notFound(id);
    };
  }

  private static ProblemException leaseLost(UUID id) {
    return Problems.leaseLost("job " + id + " is not running under this lease token: its lease expired and it was"
        + " taken back, its outcome was already reported, or another attempt holds it now. Nothing was written;"
        + " stop working on it and do not report on it again");
  }

  private static ObjectNode view(LeasedJob job) {
    ObjectNode o = ApiJson.object();
    o.put("id", job.id().toString());
    o.put("queue", job.queue());
    o.put("kind", job.kind());
    o.set("args", job.args());
    o.set("metadata", job.metadata());
    o.put("attempt", job.attempt());
    o.put("max_attempts", job.maxAttempts());
    o.put("lease_token", job.leaseToken().toString());
    o.put("lease_expires_at", text(job.leaseExpiresAt()));
    o.put("tenant", job.tenant());
    o.put("created_at", text(job.createdAt()));
    o.put("scheduled_at", text(job.scheduledAt()));
    o.put("attempted_at", text(job.attemptedAt()));
    return o;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
