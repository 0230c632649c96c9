package dev.gantry.server.http.queues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.limits.QueueLimit;
import dev.gantry.limits.Rate;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.JsonFields;
import dev.gantry.server.http.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code PUT /v1/queues/{queue}/limits} into a {@link QueueLimit}, checking every
 * field and collecting every mistake. Rate periods are ISO-8601 durations ({@code PT1M}, {@code
 * PT0.5S}), as every duration of the API.
 */
final class QueueLimitRequests {
  private QueueLimitRequests() {}

  /** @throws dev.gantry.server.http.ProblemException 400 listing every mistake */
  static QueueLimit read(String queue, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    Integer concurrency = f.optionalInt("concurrency", 1, QueueLimit.MAX_CONCURRENCY);
    String partitionBy = f.optionalString("partition_by");
    Integer partitionConcurrency = f.optionalInt("partition_concurrency", 1, QueueLimit.MAX_CONCURRENCY);
    Rate rate = rate(f, "rate", errors);
    Rate partitionRate = rate(f, "partition_rate", errors);
    f.finish();
    QueueLimit limit = null;
    try {
      limit = new QueueLimit(queue, concurrency, partitionBy, partitionConcurrency, rate, partitionRate);
    } catch (IllegalArgumentException e) {
      // The only check the reads above did not make: what partition_by may be.
      f.reject("partition_by", e.getMessage().replaceFirst("^partitionBy ", ""));
    }
    if (errors.isEmpty() && !limit.limitsAnything()) {
      errors.add(new FieldError("(body)", "must set at least one of concurrency, partition_concurrency, rate and "
          + "partition_rate; to lift the queue's limits use DELETE"));
    }
    if (errors.isEmpty() && partitionBy == null && (partitionConcurrency != null || partitionRate != null)) {
      f.reject("partition_by", "is required with partition_concurrency or partition_rate, to say what makes a "
          + "partition: 'tenant', 'kind' or 'args.<key>'");
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return limit;
  }

  private static Rate rate(JsonFields parent, String field, List<FieldError> errors) {
    ObjectNode node = parent.optionalObject(field);
    if (node == null) {
      return null;
    }
    JsonFields f = JsonFields.of(parent.pathOf(field), node, errors);
    Integer limit = f.optionalInt("limit", 1, Rate.MAX_LIMIT);
    Duration period = f.optionalDuration("period", Duration.ofMillis(1), Rate.MAX_PERIOD);
    if (node.get("limit") == null || node.get("limit").isNull()) {
      f.reject("limit", "is required");
    }
    if (node.get("period") == null || node.get("period").isNull()) {
      f.reject("period", "is required");
    }
    f.finish();
    if (limit == null || period == null) {
      return null;
    }
    if (period.toNanos() % 1_000_000 != 0) {
      f.reject("period", "must be whole milliseconds, got " + period);
      return null;
    }
    return new Rate(limit, period);
  }
}
