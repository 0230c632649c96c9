package dev.gantry.server.http.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.JsonFields;
import dev.gantry.server.http.Problems;
import dev.gantry.webhook.Webhook;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns enqueue request bodies into {@link JobRequest}s, checking every field and collecting
 * every mistake, so that a batch with one bad job is refused whole with all its errors listed.
 *
 * <p>A {@code tenant} is only checked for its form here; whether the caller's key may enqueue for
 * it is {@link CallerJobs#stamp}'s decision.
 *
 * <p>Durations ({@code delay}, {@code timeout}) are ISO-8601 strings such as {@code PT30S}:
 * self-describing, where a bare number would leave the unit to guess.
 *
 * <p>A {@code webhook_url} is checked for its form here; whether its host is allowed, and which
 * key signs it, is {@link dev.gantry.server.http.webhooks.CallerWebhooks}'s decision.
 */
public final class EnqueueRequests {
  public static final int MAX_BATCH = 1000;
  static final Duration MAX_DELAY = Duration.ofDays(366);
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_TIMEOUT = Duration.ofDays(7);
  static final int MAX_ATTEMPTS = 10_000;
  static final int MAX_TAGS = 50;

  private EnqueueRequests() {}

  /**
   * The job of a {@code POST /v1/jobs} body.
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake
   */
  public static JobRequest one(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JobRequest request = read("", body, errors, Form.JOB);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return request;
  }

  /**
   * The jobs of a {@code POST /v1/jobs/batch} body ({@code {"jobs": [...]}}, 1 to 1,000 jobs).
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake in every job
   */
  public static List<JobRequest> batch(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields fields = JsonFields.of("", body, errors);
    JsonNode jobs = fields.requiredArray("jobs");
    fields.finish();
    List<JobRequest> requests = jobs(fields.pathOf("jobs"), jobs, 1, errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return requests;
  }

  /**
   * The jobs of an array field, each read as the body of {@code POST /v1/jobs}, at least
   * {@code minJobs} and at most {@link #MAX_BATCH} of them; every mistake is added to
   * {@code errors} with its path ({@code jobs[3].priority}).
   *
   * @param path the array's path in the request ({@code jobs})
   * @param jobs the array, or null when the field is absent (no jobs, and no error: whether it
   *     is required is the caller's check)
   * @return the jobs, in order; empty when there were mistakes
   */
  public static List<JobRequest> jobs(String path, JsonNode jobs, int minJobs, List<FieldError> errors) {
    List<JobRequest> requests = new ArrayList<>();
    if (jobs == null) {
      return requests;
    }
    if (jobs.size() < minJobs || jobs.size() > MAX_BATCH) {
      errors.add(new FieldError(path, (minJobs == 0 ? "must have at most " : "must have " + minJobs + " to ")
          + MAX_BATCH + " jobs, got " + jobs.size()));
      return requests;
    }
    int before = errors.size();
    for (int i = 0; i < jobs.size(); i++) {
      requests.add(read(path + "[" + i + "]", jobs.get(i), errors, Form.JOB));
    }
    return errors.size() > before ? new ArrayList<>() : requests;
  }

  /**
   * A batch's callback job ({@code on_success}, ...): a job body without the fields a callback
   * cannot have ({@code delay}, {@code run_at}, {@code unique_key}, {@code tags}, {@code tenant},
   * {@code webhook_url}),
   * which are refused as unknown. It is enqueued once, when the batch finishes, in the batch's
   * tenant.
   *
   * @return the callback, or null when there were mistakes (added to {@code errors})
   */
  public static JobRequest callback(String path, JsonNode node, List<FieldError> errors) {
    return read(path, node, errors, Form.CALLBACK);
  }

  /**
   * The job of a workflow step, read from {@code step}: the fields of a job body except
   * {@code unique_key} (a step is always a new job). The step's own fields (its name, its
   * dependencies) are the caller's to read from the same {@code step}, before or after, and the
   * caller's {@link JsonFields#finish()} then refuses every field neither read.
   *
   * @return the job, or null when there were mistakes (added to {@code errors})
   */
  public static JobRequest stepJob(JsonFields step, List<FieldError> errors) {
    return fields(step, errors, Form.STEP);
  }

  /**
   * The job a schedule enqueues at each tick, read from {@code schedule}: kind, args, queue,
   * priority, max attempts, timeout, tags and metadata (no delay, run time, unique key, tenant or
   * webhook: a tick decides the time, the schedule the tenant). The schedule's own fields are the
   * caller's to read from the same {@code schedule}, whose {@link JsonFields#finish()} then refuses
   * every field neither read.
   *
   * @return the job, or null when there were mistakes (added to {@code errors})
   */
  public static JobRequest scheduleJob(JsonFields schedule, List<FieldError> errors) {
    return fields(schedule, errors, Form.SCHEDULE);
  }

  /** Which of a job body's optional fields an object may have. */
  private enum Form {
    /** Every one: {@code POST /v1/jobs}, and the jobs of a batch. */
    JOB,
    /** All but {@code unique_key}. */
    STEP,
    /** Queue, priority, max attempts, timeout, tags and metadata. */
    SCHEDULE,
    /** Queue, priority, max attempts, timeout and metadata only. */
    CALLBACK;

    /** May it have a delay or run time, a tenant and a webhook: is it a job enqueued on its own. */
    boolean enqueuedAsIs() {
      return this == JOB || this == STEP;
    }
  }

  private static JobRequest read(String path, JsonNode node, List<FieldError> errors, Form form) {
    int before = errors.size();
    JsonFields f = JsonFields.of(path, node, errors);
    JobRequest request = fields(f, errors, form);
    f.finish();
    return errors.size() > before ? null : request;
  }

  /** The job of {@code f}'s fields, or null when there were mistakes; unknown fields are the caller's to refuse. */
  private static JobRequest fields(JsonFields f, List<FieldError> errors, Form form) {
    int before = errors.size();
    boolean asIs = form.enqueuedAsIs();
    String kind = f.requiredString("kind");
    ObjectNode args = f.optionalObject("args");
    String queue = f.optionalString("queue");
    Integer priority = f.optionalInt("priority", -100, 100);
    Duration delay = asIs ? f.optionalDuration("delay", Duration.ZERO, MAX_DELAY) : null;
    Instant runAt = asIs ? f.optionalInstant("run_at") : null;
    Integer maxAttempts = f.optionalInt("max_attempts", 1, MAX_ATTEMPTS);
    Duration timeout = f.optionalDuration("timeout", MIN_TIMEOUT, MAX_TIMEOUT);
    String uniqueKey = form == Form.JOB ? f.optionalString("unique_key") : null;
    List<String> tags = form == Form.CALLBACK ? null : f.optionalStrings("tags", MAX_TAGS,
        t -> t.isBlank() || t.length() > 200 ? "must be 1 to 200 characters and not blank" : null);
    ObjectNode metadata = f.optionalObject("metadata");
    String tenant = asIs ? f.optionalString("tenant") : null;
    URI webhook = asIs ? webhookUrl(f, f.optionalString("webhook_url")) : null;

    if (kind != null) {
      checked(f, "kind", () -> JobRequest.of(kind, null));
    }
    if (queue != null) {
      checked(f, "queue", () -> JobOptions.requireQueueName(queue));
    }
    if (tenant != null) {
      checked(f, "tenant", () -> JobOptions.requireTenant(tenant));
    }
    if (delay != null && runAt != null) {
      f.reject("run_at", "set either delay or run_at, not both");
    }
    if (uniqueKey != null && (uniqueKey.isBlank() || uniqueKey.length() > 1000)) {
      f.reject("unique_key", "must be 1 to 1000 characters and not blank");
    }
    // No kind without an error: the object itself was not one (recorded when f was made), or kind was missing.
    if (errors.size() > before || kind == null) {
      return null;
    }

    JobOptions options = JobOptions.defaults();
    if (queue != null) {
      options = options.withQueue(queue);
    }
    if (priority != null) {
      options = options.withPriority(priority);
    }
    if (delay != null) {
      options = options.withDelay(delay);
    }
    if (runAt != null) {
      options = options.withRunAt(runAt);
    }
    if (maxAttempts != null) {
      options = options.withMaxAttempts(maxAttempts);
    }
    if (timeout != null) {
      options = options.withTimeout(timeout);
    }
    if (uniqueKey != null) {
      options = options.withUniqueKey(uniqueKey);
    }
    if (tags != null) {
      options = options.withTags(tags.toArray(String[]::new));
    }
    if (metadata != null) {
      // JSON values as they are (JsonNode), so that nulls and nesting survive: Map.copyOf in
      // JobOptions refuses Java nulls, and the mapper writes JsonNode values unchanged.
      Map<String, Object> values = new LinkedHashMap<>();
      metadata.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
      options = options.withMetadata(values);
    }
    if (tenant != null) {
      options = options.withTenant(tenant);
    }
    if (webhook != null) {
      options = options.withWebhook(webhook);
    }
    return new JobRequest(kind, args == null ? null : args, options);
  }

  /**
   * A {@code webhook_url} field's value as a URL, checked for its form ({@link Webhook#requireUrl});
   * null when absent or wrong (then with an error naming the field).
   */
  public static URI webhookUrl(JsonFields f, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Webhook.requireUrl(new URI(text));
    } catch (URISyntaxException e) {
      f.reject("webhook_url", "must be an absolute http or https URL, got one that is not a URL: " + e.getReason());
    } catch (IllegalArgumentException e) {
      f.reject("webhook_url", e.getMessage().replaceFirst("^webhook_url ", ""));
    }
    return null;
  }

  /** Runs one of Gantry's own checks and records its message against the field. */
  private static void checked(JsonFields f, String field, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      f.reject(field, e.getMessage());
    }
  }
}
