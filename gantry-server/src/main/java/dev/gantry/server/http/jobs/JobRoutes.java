package dev.gantry.server.http.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.Gantry;
import dev.gantry.GantryException;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobState;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.LongRequests;
import dev.gantry.server.http.PathIds;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.RequestBody;
import dev.gantry.server.http.Responses;
import dev.gantry.server.http.auth.Authenticator;
import dev.gantry.server.http.jobs.IdempotentTransaction.Reply;
import dev.gantry.server.http.metrics.ServerMetrics;
import dev.gantry.server.http.webhooks.CallerWebhooks;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code /v1/jobs} routes: enqueue one or a batch (with idempotency keys), read, list, wait
 * for, cancel, retry and delete jobs, through Gantry's Java API. Every route reaches only the
 * jobs the caller's key may ({@link CallerJobs}): a key limited to a tenant enqueues for that
 * tenant and sees nothing of any other.
 */
public final class JobRoutes {
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");
  private static final String UNIQUE_VIOLATION = "23505";

  private final Gantry gantry;
  private final RequestBody body;
  private final Enqueuer enqueuer;
  private final LongRequests longRequests;
  private final CallerWebhooks webhooks;

  /** @param transaction where enqueues run with their idempotency keys */
  public JobRoutes(Gantry gantry, IdempotentTransaction transaction, RequestBody body, ServerMetrics metrics,
      LongRequests longRequests) {
    this.gantry = gantry;
    this.body = body;
    this.enqueuer = new Enqueuer(gantry, transaction, metrics);
    this.longRequests = longRequests;
    this.webhooks = new CallerWebhooks(gantry);
  }

  /** {@code POST /v1/jobs}: 201 with the new job, or 200 with the unfinished job that holds the same unique key. */
  public void enqueue(Context ctx) {
    RequestBody.Json json = body.json(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    IdempotencyKey key = IdempotencyKey.of(ctx.header(IdempotencyKey.HEADER), "POST", ctx.path(), json.bytes());
    List<JobRequest> request = webhooks.sign(caller,
        jobsOf(caller).stamp(List.of(EnqueueRequests.one(json.value())), i -> "tenant"), i -> "webhook_url");
    enqueuer.enqueue(caller, key, request, done -> {
      EnqueueResult result = done.results().get(0);
      ObjectNode view = JobView.of(done.jobs().get(0), seesStackTraces(caller));
      view.put("duplicate", result.duplicate());
      return new Reply(result.duplicate() ? 200 : 201, ApiJson.write(view), false);
    }).send(ctx);
  }

  /** {@code POST /v1/jobs/batch}: all jobs in one statement, or none; 201 if any is new, 200 if all were duplicates. */
  public void enqueueBatch(Context ctx) {
    RequestBody.Json json = body.json(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    IdempotencyKey key = IdempotencyKey.of(ctx.header(IdempotencyKey.HEADER), "POST", ctx.path(), json.bytes());
    List<JobRequest> requests = webhooks.sign(caller,
        jobsOf(caller).stamp(EnqueueRequests.batch(json.value()), i -> "jobs[" + i + "].tenant"),
        i -> "jobs[" + i + "].webhook_url");
    enqueuer.enqueue(caller, key, requests, done -> {
      ObjectNode response = ApiJson.object();
      ArrayNode jobs = response.putArray("jobs");
      boolean anyNew = false;
      for (int i = 0; i < done.results().size(); i++) {
        ObjectNode view = JobView.of(done.jobs().get(i), seesStackTraces(caller));
        view.put("duplicate", done.results().get(i).duplicate());
        jobs.add(view);
        anyNew |= !done.results().get(i).duplicate();
      }
      return new Reply(anyNew ? 201 : 200, ApiJson.write(response), false);
    }).send(ctx);
  }

  /**
   * {@code GET /v1/jobs}: a page of jobs, newest first, and the cursor of the next page. The
   * created range is {@code created_after} (inclusive) to {@code created_before} (exclusive),
   * compared with the database's {@code created_at}.
   */
  public void list(Context ctx) {
    QueryParams q = QueryParams.of(ctx,
        Set.of("queue", "kind", "state", "tag", "created_after", "created_before", "limit", "cursor"));
    List<FieldError> errors = new ArrayList<>();
    String queue = q.get("queue");
    if (queue != null) {
      check(errors, "queue", () -> JobOptions.requireQueueName(queue));
    }
    String kind = q.get("kind");
    if (kind != null) {
      check(errors, "kind", () -> JobRequest.of(kind, null));
    }
    JobState state = null;
    String stateText = q.get("state");
    if (stateText != null) {
      state = Arrays.stream(JobState.values()).filter(s -> s.dbName().equals(stateText)).findFirst().orElse(null);
      if (state == null) {
        errors.add(new FieldError("state", "must be one of " + Arrays.stream(JobState.values()).map(JobState::dbName)
            .collect(Collectors.joining(", ")) + ", got '" + stateText + "'"));
      }
    }
    String tag = q.get("tag");
    if (tag != null && (tag.isBlank() || tag.length() > 200)) {
      errors.add(new FieldError("tag", "must be 1 to 200 characters and not blank"));
    }
    Instant createdAfter = instant(errors, "created_after", q.get("created_after"));
    Instant createdBefore = instant(errors, "created_before", q.get("created_before"));
    if (createdAfter != null && createdBefore != null && !createdAfter.isBefore(createdBefore)) {
      errors.add(new FieldError("created_after", "must be before created_before (inclusive start, exclusive end),"
          + " got created_after " + createdAfter + " and created_before " + createdBefore));
    }
    int limit = 100;
    String limitText = q.get("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 1000) {
        errors.add(new FieldError("limit", "must be an integer between 1 and 1000, got '" + limitText + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    // Instants in their canonical form, so 10:00:00+00:00 and 10:00Z keep one listing's cursor valid.
    String filters = "queue=" + queue + "\u0000kind=" + kind + "\u0000state=" + stateText + "\u0000tag=" + tag
        + "\u0000created_after=" + createdAfter + "\u0000created_before=" + createdBefore;
    String cursor = q.get("cursor");
    UUID after = cursor == null ? null : JobCursor.decode(cursor, filters);

    ApiKey caller = Authenticator.caller(ctx);
    JobPage page = jobsOf(caller).jobs(JobFilter.all().withQueue(queue).withKind(kind).withState(state).withTag(tag)
        .withCreatedAfter(createdAfter).withCreatedBefore(createdBefore).withAfter(after).withLimit(limit));
    ObjectNode response = ApiJson.object();
    ArrayNode jobs = response.putArray("jobs");
    boolean stackTraces = seesStackTraces(caller);
    page.jobs().forEach(j -> jobs.add(JobView.of(j, stackTraces)));
    response.put("next_cursor", page.nextCursor() == null ? null : JobCursor.encode(page.nextCursor(), filters));
    Responses.json(ctx, 200, response);
  }

  /** {@code GET /v1/jobs/{id}}. */
  public void get(Context ctx) {
    UUID id = pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    Job job = jobsOf(caller).job(id).orElseThrow(() -> notFound(id));
    Responses.json(ctx, 200, JobView.of(job, seesStackTraces(caller)));
  }

  /**
   * {@code GET /v1/jobs/{id}/wait?timeout=30s}: answers as soon as the job has finished (woken by
   * the database's NOTIFY, not by polling), or at the timeout with the job as it is then
   * ({@code finished: false}).
   */
  public void await(Context ctx) {
    QueryParams q = QueryParams.of(ctx, Set.of("timeout"));
    Duration timeout = waitTimeout(q.get("timeout"));
    UUID id = pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    CallerJobs jobs = jobsOf(caller);
    longRequests.run(() -> {
      Job job = jobs.awaitCompletion(id, timeout).orElse(null);
      if (job == null) {
        job = jobs.job(id).orElseThrow(() -> notFound(id));
      }
      Responses.json(ctx, 200, JobView.of(job, seesStackTraces(caller)));
    });
  }

  /** {@code POST /v1/jobs/{id}/cancel}: what the cancel did, and the job. */
  public void cancel(Context ctx) {
    UUID id = pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    CallerJobs jobs = jobsOf(caller);
    CancelResult result = jobs.cancel(id);
    Job job = jobs.job(id).orElseThrow(() -> notFound(id));
    ObjectNode response = ApiJson.object();
    response.put("result", result.name().toLowerCase(Locale.ROOT));
    response.set("job", JobView.of(job, seesStackTraces(caller)));
    Responses.json(ctx, 200, response);
  }

  /** {@code POST /v1/jobs/{id}/retry}: the job, due now. */
  public void retry(Context ctx) {
    UUID id = pathId(ctx);
    ApiKey caller = Authenticator.caller(ctx);
    CallerJobs jobs = jobsOf(caller);
    try {
      jobs.retry(id);
    } catch (IllegalStateException e) {
      throw Problems.conflict(e.getMessage());
    } catch (GantryException e) {
      if (e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState())) {
        throw Problems.conflict(e.getMessage());
      }
      throw e;
    }
    Job job = jobs.job(id).orElseThrow(() -> notFound(id));
    Responses.json(ctx, 200, JobView.of(job, seesStackTraces(caller)));
  }

  /** {@code DELETE /v1/jobs/{id}}: 204. */
  public void delete(Context ctx) {
    UUID id = pathId(ctx);
    try {
      jobsOf(Authenticator.caller(ctx)).delete(id);
    } catch (IllegalStateException e) {
      throw Problems.conflict(e.getMessage());
    }
    ctx.status(204);
  }

  private CallerJobs jobsOf(ApiKey caller) {
    return CallerJobs.of(gantry, caller);
  }

  /** Stack traces of failed attempts describe the workers' code: admin keys only. */
  public static boolean seesStackTraces(ApiKey caller) {
    return caller.role() == Role.ADMIN;
  }

  /**
   * The job id of the request's path.
   *
   * @throws ProblemException 400 naming {@code id} if it is not a UUID
   */
  public static UUID pathId(Context ctx) {
    return PathIds.of(ctx, "job");
  }

  /**
   * A long-poll's {@code timeout} query parameter: {@code 30s}, {@code 500ms}, {@code 1m}, a number
   * of seconds, or ISO-8601 ({@code PT30S}); at most 60 s; {@link #DEFAULT_WAIT} when absent.
   *
   * @throws ProblemException 400 naming {@code timeout} if it is none of these
   */
  public static Duration waitTimeout(String text) {
    if (text == null) {
      return DEFAULT_WAIT;
    }
    Duration d = null;
    Matcher m = SHORT_DURATION.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      };
    } else if (text.startsWith("PT") || text.startsWith("pt")) {
      try {
        d = Duration.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative() || d.compareTo(MAX_WAIT) > 0) {
      throw Problems.invalid("timeout", "must be a duration from 0s to 60s, such as 30s, 500ms or PT30S; got '" + text + "'");
    }
    return d;
  }

  /** 404 for a job the caller cannot reach: missing, or another tenant's (the two look the same). */
  public static ProblemException notFound(UUID id) {
    return Problems.notFound("no job with id " + id + " (it never existed, was deleted, or was pruned after finishing)");
  }

  /** An ISO-8601 instant with an offset, or null when absent; a bad one adds an error naming {@code field}. */
  private static Instant instant(List<FieldError> errors, String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      // A '+' left unencoded in a query string arrives as a space.
      errors.add(new FieldError(field, "must be an ISO-8601 instant with an offset, such as 2026-11-23T10:00:00Z"
          + " or 2026-11-23T11:00:00%2B01:00 (with + encoded as %2B), got '" + text + "'"));
      return null;
    }
  }

  private static void check(List<FieldError> errors, String field, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError(field, e.getMessage()));
    }
  }
}
