package dev.gantry.server.http.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.server.http.ApiJson;
import java.time.Instant;

/**
 * A job as the API shows it ({@code Job} in {@code openapi.json}): snake_case fields, ISO-8601
 * timestamps and durations, and {@code finished} so that clients need not know which states
 * are final. Stack traces of failed attempts are shown to admin keys only: they describe the
 * workers' code, which producers have no business reading.
 */
public final class JobView {
  private JobView() {}

  public static ObjectNode of(Job job, boolean withStackTraces) {
    ObjectNode o = ApiJson.object();
    o.put("id", job.id().toString());
    o.put("queue", job.queue());
    o.put("kind", job.kind());
    o.put("state", job.state().dbName());
    o.put("finished", job.state().isFinished());
    o.set("args", job.args());
    o.put("priority", job.priority());
    o.put("attempt", job.attempt());
    o.put("max_attempts", job.maxAttempts());
    o.put("timeout", job.timeout() == null ? null : job.timeout().toString());
    o.put("unique_key", job.uniqueKey());
    ArrayNode tags = o.putArray("tags");
    job.tags().forEach(tags::add);
    o.set("metadata", job.metadata());
    if (job.progressPercent() == null && job.progressMessage() == null && job.progressItems() == null) {
      o.putNull("progress");
    } else {
      ObjectNode progress = o.putObject("progress");
      progress.put("percent", job.progressPercent());
      progress.put("message", job.progressMessage());
      progress.set("items", job.progressItems());
    }
    o.set("result", job.result());
    ArrayNode errors = o.putArray("errors");
    for (JobError e : job.errors()) {
      ObjectNode error = errors.addObject();
      error.put("attempt", e.attempt());
      error.put("at", text(e.at()));
      error.put("error_class", e.errorClass());
      error.put("message", e.message());
      if (withStackTraces) {
        error.put("stack_trace", e.stackTrace());
      }
    }
    o.put("cancel_requested", job.cancelRequested());
    o.put("worker_id", job.workerId());
    o.put("tenant", job.tenant());
    o.put("batch_id", job.batchId() == null ? null : job.batchId().toString());
    o.put("webhook_url", job.webhookUrl() == null ? null : job.webhookUrl().toString());
    o.put("created_at", text(job.createdAt()));
    o.put("scheduled_at", text(job.scheduledAt()));
    o.put("attempted_at", text(job.attemptedAt()));
    o.put("finished_at", text(job.finishedAt()));
    o.put("lease_expires_at", text(job.leaseExpiresAt()));
    return o;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
