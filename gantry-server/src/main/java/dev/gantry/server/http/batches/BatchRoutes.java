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
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.RequestBody;
import dev.gantry.server.http.Responses;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.jobs.CallerJobs;
import dev.gantry.server.http.jobs.EnqueueRequests;
import dev.gantry.server.http.metrics.ServerMetrics;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /v1/batches} routes: make a batch (sealed at once, or open for jobs added later), add
 * jobs to an open one, read its live counts, seal and cancel it, through Gantry's
 * {@link Batches}. Members are read exactly as the jobs of {@code POST /v1/jobs/batch}, and the
 * callbacks as jobs without the fields a callback cannot have. A key limited to a tenant makes
 * batches of that tenant only (naming another gets 403, as for jobs) and reaches no other
 * tenant's batch: it answers exactly like a missing one (404).
 */
public final class BatchRoutes {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  /** The field a message of Gantry's checks starts with, such as {@code jobs[3].tenant: ...}. */
  private static final Pattern FIELD_PREFIX = Pattern.compile("([a-z_]+(?:\\[\\d+])?(?:\\.[a-z_]+)*): (.+)", Pattern.DOTALL);

  private final Gantry gantry;
  private final RequestBody body;
  private final ServerMetrics metrics;

  public BatchRoutes(Gantry gantry, RequestBody body, ServerMetrics metrics) {
    this.gantry = gantry;
    this.body = body;
    this.metrics = metrics;
  }

  /**
   * {@code POST /v1/batches}: 201 with the batch and its jobs' ids in request order. Sealed (the
   * default), the batch and all its jobs are written in one transaction, or nothing is.
   */
  public void create(Context ctx) {
    QueryParams.of(ctx, Set.of());
    BatchRequests.Creation request = BatchRequests.creation(body.json(ctx).value());
    ApiKey caller = Authenticator.caller(ctx);
    String tenant = caller.tenant();
    if (tenant != null && request.tenant() != null && !request.tenant().equals(tenant)) {
      String message = "this key is limited to tenant '" + tenant + "' and cannot make batches for tenant '"
          + request.tenant() + "'; leave tenant out or set it to '" + tenant + "'";
      throw Problems.forbidden("tenant: " + message, List.of(new FieldError("tenant", message)));
    }
    String batchTenant = tenant != null ? tenant : request.tenant();
    List<JobRequest> members = CallerJobs.of(gantry, caller).stamp(request.jobs(), i -> "jobs[" + i + "].tenant");
    requireBatchTenant(members, batchTenant);
    BatchOptions options = new BatchOptions(batchTenant, request.metadata(), request.onSuccess(), request.onFailure(),
        request.onComplete());
    Batches batches = batchesOf(caller);
    UUID id;
    List<EnqueueResult> results;
    try {
      BatchResult result = request.sealed() ? batches.enqueue(members, options) : batches.open(members, options);
      id = result.batchId();
      results = result.jobs();
    } catch (IllegalArgumentException e) {
      throw invalid(e);
    }
    countEnqueued(members, results);
    Responses.json(ctx, 201, withJobs(read(batches, id), results));
  }

  /** {@code GET /v1/batches/{id}}: the batch with its live counts. */
  public void get(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = pathId(ctx);
    Responses.json(ctx, 200, BatchView.of(read(batchesOf(Authenticator.caller(ctx)), id)));
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
    List<JobRequest> members = CallerJobs.of(gantry, caller).stamp(requests, i -> "jobs[" + i + "].tenant");
    Batches batches = batchesOf(caller);
    requireBatchTenant(members, read(batches, id).tenant());
    List<EnqueueResult> results;
    try {
      results = batches.add(id, members).jobs();
    } catch (IllegalStateException e) {
      throw Problems.conflict(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw invalid(e);
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

  /**
   * A batch's jobs belong to its tenant: a job naming another is refused (400; a key limited to a
   * tenant was already refused any other tenant with 403).
   */
  private static void requireBatchTenant(List<JobRequest> members, String batchTenant) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      String asked = members.get(i).options().tenant();
      if (asked != null && !asked.equals(batchTenant)) {
        errors.add(new FieldError("jobs[" + i + "].tenant", "a batch's jobs belong to the batch's tenant ("
            + (batchTenant == null ? "none" : "'" + batchTenant + "'") + "), got '" + asked + "'; leave tenant out"
            + (batchTenant == null ? "" : " or set it to '" + batchTenant + "'")));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
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

  /** A check of Gantry's that the request's own checks did not make first, as a 400 naming its field. */
  private static ProblemException invalid(IllegalArgumentException e) {
    String message = e.getMessage() == null ? "is not valid" : e.getMessage();
    Matcher m = FIELD_PREFIX.matcher(message);
    return m.matches() ? Problems.invalid(m.group(1), m.group(2)) : Problems.invalid("(body)", message);
  }

  /**
   * The batch id of the request's path.
   *
   * @throws ProblemException 400 naming {@code id} if it is not a UUID
   */
  static UUID pathId(Context ctx) {
    String text = ctx.pathParam("id");
    if (!UUID_TEXT.matcher(text).matches()) {
      throw Problems.invalid("id", "must be a batch id (a UUID such as 0190f2d4-5b6e-7c3a-9d1e-2f4a6b8c0d1e), got '"
          + text + "'");
    }
    return UUID.fromString(text);
  }

  /** 404 for a batch the caller cannot reach: missing, or another tenant's (the two look the same). */
  public static ProblemException notFound(UUID id) {
    return Problems.notFound("no batch with id " + id);
  }
}
