package dev.gantry.server.http.batches;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.Gantry;
import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchOptions;
import dev.gantry.batch.BatchResult;
import dev.gantry.batch.Batches;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.GantryChecks;
import dev.gantry.server.http.LongRequests;
import dev.gantry.server.http.PathIds;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.RequestBody;
import dev.gantry.server.http.Responses;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.jobs.CallerJobs;
import dev.gantry.server.http.jobs.EnqueueRequests;
import dev.gantry.server.http.jobs.IdempotencyKey;
import dev.gantry.server.http.jobs.IdempotentTransaction;
import dev.gantry.server.http.jobs.IdempotentTransaction.Reply;
import dev.gantry.server.http.jobs.IdempotentTransaction.Written;
import dev.gantry.server.http.jobs.JobRoutes;
import dev.gantry.server.http.metrics.ServerMetrics;
import dev.gantry.server.http.webhooks.CallerWebhooks;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code /v1/batches} routes: make a batch (sealed at once, or open for jobs added later, with
 * an optional Idempotency-Key), add jobs to an open one, read its live counts, wait for it to
 * finish, seal and cancel it, through Gantry's {@link Batches}. Members are read exactly as the
 * jobs of {@code POST /v1/jobs/batch}, and the callbacks as jobs without the fields a callback
 * cannot have. A key limited to a tenant makes batches of that tenant only (naming another gets
 * 403, as for jobs) and reaches no other tenant's batch: it answers exactly like a missing one
 * (404).
 */
public final class BatchRoutes {
  private final Gantry gantry;
  private final RequestBody body;
  private final ServerMetrics metrics;
  private final IdempotentTransaction transaction;
  private final LongRequests longRequests;
  private final CallerWebhooks webhooks;

  /** @param transaction where batches are made with their idempotency keys */
  public BatchRoutes(Gantry gantry, RequestBody body, ServerMetrics metrics, IdempotentTransaction transaction,
      LongRequests longRequests) {
    this.gantry = gantry;
    this.body = body;
    this.metrics = metrics;
    this.transaction = transaction;
    this.longRequests = longRequests;
    this.webhooks = new CallerWebhooks(gantry);
  }

  /**
   * {@code POST /v1/batches}: 201 with the batch and its jobs' ids in request order. The batch and
   * all its jobs are written in one transaction, or nothing is, with the response when the
   * request has an {@code Idempotency-Key}: the same key and request again replays that response
   * and makes nothing; the same key with another request is a 422.
   */
  public void create(Context ctx) {
    QueryParams.of(ctx, Set.of());
    RequestBody.Json json = body.json(ctx);
    BatchRequests.Creation request = BatchRequests.creation(json.value());
    ApiKey caller = Authenticator.caller(ctx);
    IdempotencyKey key = IdempotencyKey.of(ctx.header(IdempotencyKey.HEADER), "POST", ctx.path(), json.bytes());
    String batchTenant = MemberTenants.of(caller, request.tenant(), "batches");
    List<JobRequest> members = webhooks.sign(caller,
        CallerJobs.of(gantry, caller).stamp(request.jobs(), i -> "jobs[" + i + "].tenant"),
        i -> "jobs[" + i + "].webhook_url");
    MemberTenants.require(members, batchTenant, "batch", "jobs");
    BatchOptions options = new BatchOptions(batchTenant, request.metadata(), request.onSuccess(), request.onFailure(),
        request.onComplete(), webhooks.sign(caller, request.webhookUrl()));
    Batches batches = batchesOf(caller);
    Written<BatchResult> done;
    try {
      done = transaction.run("making a batch of " + members.size() + " jobs over HTTP", caller, key, c -> {
        BatchResult result = request.sealed() ? batches.enqueue(c, members, options)
            : batches.open(c, members, options);
        Batch batch = batches.get(c, result.batchId())
            .orElseThrow(() -> new SQLException("a batch just made cannot be read back in its transaction"));
        return new Written<>(result, new Reply(201, ApiJson.write(withJobs(batch, result.jobs())), false));
      });
    } catch (IllegalArgumentException e) {
      throw GantryChecks.invalid(e);
    }
    if (done.made() != null) {
      countEnqueued(members, done.made().jobs());
    }
    done.reply().send(ctx);
  }

  /** {@code GET /v1/batches/{id}}: the batch with its live counts. */
  public void get(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = pathId(ctx);
    Responses.json(ctx, 200, BatchView.of(read(batchesOf(Authenticator.caller(ctx)), id)));
  }

  /**
   * {@code GET /v1/batches/{id}/wait?timeout=30s}: answers as soon as the batch has finished
   * (woken by the database's NOTIFY, not by polling), or at the timeout with the batch as it is
   * then ({@code finished_at} null). The timeout reads as on {@code GET /v1/jobs/{id}/wait}.
   */
  public void await(Context ctx) {
    QueryParams q = QueryParams.of(ctx, Set.of("timeout"));
    Duration timeout = JobRoutes.waitTimeout(q.get("timeout"));
    UUID id = pathId(ctx);
    Batches batches = batchesOf(Authenticator.caller(ctx));
    longRequests.run(() -> {
      Batch batch = batches.awaitFinished(id, timeout).orElseThrow(() -> notFound(id));
      Responses.json(ctx, 200, BatchView.of(batch));
    });
  }

  /**
   * {@code POST /v1/batches/{id}/jobs}: adds jobs to an open batch, all or none; 201 with the batch
   * and the jobs' ids if any job is new, 200 if every one was a duplicate of an unfinished job with
   * the same unique key, 409 if the batch is sealed or cancelled.
   */
  public void add(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = pathId(ctx);
    List<JobRequest> requests = EnqueueRequests.batch(body.json(ctx).value());
    ApiKey caller = Authenticator.caller(ctx);
    List<JobRequest> members = webhooks.sign(caller,
        CallerJobs.of(gantry, caller).stamp(requests, i -> "jobs[" + i + "].tenant"), i -> "jobs[" + i + "].webhook_url");
    Batches batches = batchesOf(caller);
    MemberTenants.require(members, read(batches, id).tenant(), "batch", "jobs");
    List<EnqueueResult> results;
    try {
      results = batches.add(id, members).jobs();
    } catch (IllegalStateException e) {
      throw Problems.conflict(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw GantryChecks.invalid(e);
    }
    countEnqueued(members, results);
    boolean anyNew = results.stream().anyMatch(r -> !r.duplicate());
    Responses.json(ctx, anyNew ? 201 : 200, withJobs(read(batches, id), results));
  }

  /** {@code POST /v1/batches/{id}/seal}: the batch, closed to new jobs (and finished, if they all have). */
  public void seal(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = pathId(ctx);
    Responses.json(ctx, 200, BatchView.of(batchesOf(Authenticator.caller(ctx)).seal(id)));
  }

  /**
   * {@code POST /v1/batches/{id}/cancel}: the batch, its waiting jobs cancelled and its running ones
   * asked to stop; a batch that has finished is left as it is, as a finished job is.
   */
  public void cancel(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = pathId(ctx);
    // Batches.cancel leaves a finished batch as it finished; a missing one is a 404 (ErrorHandling).
    Responses.json(ctx, 200, BatchView.of(batchesOf(Authenticator.caller(ctx)).cancel(id)));
  }

  /** The batches {@code key} may reach: every batch for a key without a tenant, else only its tenant's. */
  private Batches batchesOf(ApiKey key) {
    return key.tenant() == null ? gantry.batches() : gantry.batches().forTenant(key.tenant());
  }

  private static Batch read(Batches batches, UUID id) {
    return batches.get(id).orElseThrow(() -> notFound(id));
  }

  private void countEnqueued(List<JobRequest> members, List<EnqueueResult> results) {
    // Duplicates of an existing unique key are not new jobs.
    for (int i = 0; i < results.size(); i++) {
      if (!results.get(i).duplicate()) {
        metrics.countEnqueued(members.get(i).options().queue(), members.get(i).kind());
      }
    }
  }

  private static ObjectNode withJobs(Batch batch, List<EnqueueResult> results) {
    ObjectNode view = BatchView.of(batch);
    ArrayNode jobs = view.putArray("jobs");
    for (EnqueueResult r : results) {
      jobs.addObject().put("id", r.id().toString()).put("duplicate", r.duplicate());
    }
    return view;
  }

  /**
   * The batch id of the request's path.
   *
   * @throws ProblemException 400 naming {@code id} if it is not a UUID
   */
  static UUID pathId(Context ctx) {
    return PathIds.of(ctx, "batch");
  }

  /** 404 for a batch the caller cannot reach: missing, or another tenant's (the two look the same). */
  public static ProblemException notFound(UUID id) {
    return Problems.notFound("no batch with id " + id);
  }
}
