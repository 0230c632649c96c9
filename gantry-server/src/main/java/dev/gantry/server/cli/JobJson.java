package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import java.time.Instant;

/**
 * The {@code --json} shape of a job: snake_case keys, as the SQL API's {@code job_status} uses,
 * times as ISO 8601 instants (by the database clock), timeouts in milliseconds.
 */
final class JobJson {
  private JobJson() {}

  static ObjectNode of(ObjectMapper mapper, Job job) {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", job.id().toString());
    node.put("queue", job.queue());
    node.put("kind", job.kind());
    node.put("state", job.state().dbName());
    node.put("priority", job.priority());
    node.put("attempt", job.attempt());
    node.put("max_attempts", job.maxAttempts());
    node.put("timeout_ms", job.timeout() == null ? null : job.timeout().toMillis());
    node.put("unique_key", job.uniqueKey());
    ArrayNode tags = node.putArray("tags");
    job.tags().forEach(tags::add);
    node.set("args", job.args());
    node.set("metadata", job.metadata());
    node.put("progress_percent", job.progressPercent());
    node.put("progress_message", job.progressMessage());
    node.set("result", job.result());
    ArrayNode errors = node.putArray("errors");
    for (JobError e : job.errors()) {
      ObjectNode error = errors.addObject();
      error.put("attempt", e.attempt());
      error.put("at", instant(e.at()));
      error.put("class", e.errorClass());
      error.put("message", e.message());
      error.put("stacktrace", e.stackTrace());
    }
    node.put("cancel_requested", job.cancelRequested());
    node.put("worker_id", job.workerId());
    node.put("created_at", instant(job.createdAt()));
    node.put("scheduled_at", instant(job.scheduledAt()));
    node.put("attempted_at", instant(job.attemptedAt()));
    node.put("finished_at", instant(job.finishedAt()));
    node.put("lease_expires_at", instant(job.leaseExpiresAt()));
    return node;
  }

  private static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
