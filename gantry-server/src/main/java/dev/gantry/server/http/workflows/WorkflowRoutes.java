package dev.gantry.server.http.workflows;

import dev.gantry.Gantry;
import dev.gantry.batch.BatchOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.GantryChecks;
import dev.gantry.server.http.PathIds;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.RequestBody;
import dev.gantry.server.http.Responses;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.batches.MemberTenants;
import dev.gantry.server.http.jobs.CallerJobs;
import dev.gantry.server.http.jobs.IdempotencyKey;
import dev.gantry.server.http.jobs.IdempotentTransaction;
import dev.gantry.server.http.jobs.IdempotentTransaction.Reply;
import dev.gantry.server.http.jobs.IdempotentTransaction.Written;
import dev.gantry.server.http.jobs.JobRoutes;
import dev.gantry.server.http.metrics.ServerMetrics;
import dev.gantry.server.http.webhooks.CallerWebhooks;
import dev.gantry.workflow.Dependency;
import dev.gantry.workflow.Workflow;
import dev.gantry.workflow.WorkflowGraph;
import dev.gantry.workflow.WorkflowResult;
import dev.gantry.workflow.WorkflowStep;
import dev.gantry.workflow.Workflows;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /v1/workflows} routes, and a job's dependencies: enqueue a graph of named steps in one
 * call (with an optional Idempotency-Key), read it with every step's state and edges, cancel it,
 * through Gantry's {@link Workflows}. A workflow is a sealed batch, so its counts, its event stream
 * and its long-poll are the batch routes'. Keys and tenants work exactly as on the batch routes: a
 * key limited to a tenant makes workflows of that tenant only (naming another gets 403) and reaches
 * no other tenant's workflow, which answers exactly like a missing one (404).
 */
public final class WorkflowRoutes {
  /** A step's dependency on a job that Gantry found missing: its message names the job, not the step. */
  private static final Pattern MISSING_JOB = Pattern.compile("depends_on: no job ([0-9a-f-]{36})(.*)", Pattern.DOTALL);
  /** A step's name as Gantry's checks call it ({@code steps[2].name}); the body calls it {@code step}. */
  private static final Pattern STEP_NAME = Pattern.compile("(steps\\[\\d+])\\.name");

  private final Gantry gantry;
  private final RequestBody body;
  private final ServerMetrics metrics;
  private final IdempotentTransaction transaction;
  private final CallerWebhooks webhooks;

  /** @param transaction where workflows are enqueued with their idempotency keys */
  public WorkflowRoutes(Gantry gantry, RequestBody body, ServerMetrics metrics, IdempotentTransaction transaction) {
    this.gantry = gantry;
    this.body = body;
    this.metrics = metrics;
    this.transaction = transaction;
    this.webhooks = new CallerWebhooks(gantry);
  }

  /**
   * {@code POST /v1/workflows}: 201 with the workflow and every step's job id and state. The
   * workflow and all its steps are written in one transaction, or nothing is, with the response
   * when the request has an {@code Idempotency-Key}: the same key and request again replays that
   * response and enqueues nothing; the same key with another request is a 422.
   */
  public void create(Context ctx) {
    QueryParams.of(ctx, Set.of());
    RequestBody.Json json = body.json(ctx);
    WorkflowRequests.Creation request = WorkflowRequests.creation(json.value());
    ApiKey caller = Authenticator.caller(ctx);
    IdempotencyKey key = IdempotencyKey.of(ctx.header(IdempotencyKey.HEADER), "POST", ctx.path(), json.bytes());
    String tenant = MemberTenants.of(caller, request.tenant(), "workflows");
    List<JobRequest> jobs = webhooks.sign(caller, CallerJobs.of(gantry, caller)
        .stamp(request.steps().stream().map(WorkflowStep::job).toList(), i -> "steps[" + i + "].tenant"),
        i -> "steps[" + i + "].webhook_url");
    MemberTenants.require(jobs, tenant, "workflow", "steps");
    List<WorkflowStep> steps = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      WorkflowStep asked = request.steps().get(i);
      steps.add(new WorkflowStep(asked.name(), jobs.get(i), asked.dependsOn()));
    }
    Workflow workflow = new Workflow(request.name(), steps, new BatchOptions(tenant, request.metadata(),
        request.onSuccess(), request.onFailure(), request.onComplete(), webhooks.sign(caller, request.webhookUrl())));
    Workflows workflows = workflowsOf(caller);
    Written<WorkflowResult> done;
    try {
      done = transaction.run("enqueueing a workflow of " + steps.size() + " steps over HTTP", caller, key, c -> {
        WorkflowResult result = workflows.enqueue(c, workflow);
        WorkflowGraph graph = workflows.get(c, result.workflowId()).orElseThrow(() -> new java.sql.SQLException(
            "workflow " + result.workflowId() + " cannot be read back in the transaction that enqueued it"));
        return new Written<>(result, new Reply(201, ApiJson.write(WorkflowView.of(graph)), false));
      });
    } catch (IllegalArgumentException e) {
      throw invalid(e, workflow);
    }
    if (done.made() != null) {
      // Counted once committed; a replay enqueued nothing.
      for (WorkflowStep step : steps) {
        metrics.countEnqueued(step.job().options().queue(), step.job().kind());
      }
    }
    done.reply().send(ctx);
  }

  /** {@code GET /v1/workflows/{id}}: the workflow with its counts and every step's state and edges. */
  public void get(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = pathId(ctx);
    WorkflowGraph graph = workflowsOf(Authenticator.caller(ctx)).get(id).orElseThrow(() -> notFound(id));
    Responses.json(ctx, 200, WorkflowView.of(graph));
  }

  /**
   * {@code POST /v1/workflows/{id}/cancel}: the workflow, its waiting and pending steps cancelled and
   * its running ones asked to stop; a finished workflow is left as it is.
   */
  public void cancel(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = pathId(ctx);
    // A missing workflow is a 404 (WorkflowNotFoundException, in ErrorHandling).
    Responses.json(ctx, 200, WorkflowView.of(workflowsOf(Authenticator.caller(ctx)).cancel(id)));
  }

  /**
   * {@code GET /v1/jobs/{id}/dependencies}: the job's dependencies with their states and, for the
   * completed ones, their results (what a dependent's handler reads); an empty list for a job
   * without any. A job the key cannot reach is a 404, as on {@code GET /v1/jobs/{id}}.
   */
  public void dependencies(Context ctx) {
    QueryParams.of(ctx, Set.of());
    UUID id = JobRoutes.pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    CallerJobs.of(gantry, caller).job(id).orElseThrow(() -> JobRoutes.notFound(id));
    Responses.json(ctx, 200, WorkflowView.dependencies(workflowsOf(caller).dependencies(id)));
  }

  /** The workflows {@code key} may reach: every workflow for a key without a tenant, else only its tenant's. */
  private Workflows workflowsOf(ApiKey key) {
    return key.tenant() == null ? gantry.workflows() : gantry.workflows().forTenant(key.tenant());
  }

  /**
   * A check of Gantry's on the workflow (its graph, mostly) as a 400 naming the field of the body:
   * a missing earlier job is named at every dependency on it, a step's name as {@code step}.
   */
  private static ProblemException invalid(IllegalArgumentException e, Workflow workflow) {
    Matcher missing = MISSING_JOB.matcher(e.getMessage() == null ? "" : e.getMessage());
    if (missing.matches()) {
      UUID job = UUID.fromString(missing.group(1));
      List<FieldError> errors = new ArrayList<>();
      for (int i = 0; i < workflow.steps().size(); i++) {
        List<Dependency> dependsOn = workflow.steps().get(i).dependsOn();
        for (int d = 0; d < dependsOn.size(); d++) {
          if (job.equals(dependsOn.get(d).jobId())) {
            errors.add(new FieldError("steps[" + i + "].depends_on[" + d + "]", "no job " + job + missing.group(2)));
          }
        }
      }
      if (!errors.isEmpty()) {
        return Problems.invalid(errors);
      }
    }
    FieldError error = GantryChecks.fieldError(e);
    Matcher name = STEP_NAME.matcher(error.field());
    return Problems.invalid(List.of(name.matches() ? new FieldError(name.group(1) + ".step", error.message()) : error));
  }

  /**
   * The workflow id of the request's path.
   *
   * @throws ProblemException 400 naming {@code id} if it is not a UUID
   */
  static UUID pathId(Context ctx) {
    return PathIds.of(ctx, "workflow");
  }

  /** 404 for a workflow the caller cannot reach: missing, another tenant's, or a batch that is no workflow. */
  public static ProblemException notFound(UUID id) {
    return Problems.notFound("no workflow with id " + id);
  }
}
