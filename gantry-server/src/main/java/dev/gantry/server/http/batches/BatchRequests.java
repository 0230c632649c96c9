package dev.gantry.server.http.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.JsonFields;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.jobs.EnqueueRequests;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the body of {@code POST /v1/batches} into a {@link Creation}, checking every field and
 * listing every mistake, as {@link EnqueueRequests} does for jobs (whose parsing reads the members
 * and the callbacks). Whether the caller's key may use the tenants named is the routes' decision.
 */
public final class BatchRequests {
  private BatchRequests() {}

  /**
   * What a {@code POST /v1/batches} asks for.
   *
   * @param jobs the members, in order (possibly none for an open batch)
   * @param tenant the batch's tenant as the body names it, or null
   * @param metadata the batch's metadata, JSON values as they are
   * @param onSuccess callbacks, or null
   * @param sealed false to open a batch that jobs are added to later
   * @param webhookUrl called once the batch has finished, or null
   */
  public record Creation(List<JobRequest> jobs, String tenant, Map<String, Object> metadata, JobRequest onSuccess,
      JobRequest onFailure, JobRequest onComplete, boolean sealed, URI webhookUrl) {}

  /**
   * The batch of a {@code POST /v1/batches} body.
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake, in the batch and in its jobs
   */
  public static Creation creation(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    JsonNode jobsNode = f.optionalValue("jobs");
    int beforeSealed = errors.size();
    Boolean sealedField = f.optionalBoolean("sealed");
    // When sealed is itself wrong, whether jobs are required is not known: only the jobs' own mistakes are listed.
    boolean needsJobs = (sealedField == null || sealedField) && errors.size() == beforeSealed;
    String tenant = f.optionalString("tenant");
    ObjectNode metadata = f.optionalObject("metadata");
    JsonNode onSuccess = f.optionalValue("on_success");
    JsonNode onFailure = f.optionalValue("on_failure");
    JsonNode onComplete = f.optionalValue("on_complete");
    URI webhookUrl = EnqueueRequests.webhookUrl(f, f.optionalString("webhook_url"));
    f.finish();

    // A sealed batch is its jobs, so it needs some; an open one may start empty.
    List<JobRequest> jobs = List.of();
    String openHint = "; to open a batch and add its jobs later, set sealed to false";
    if (jobsNode != null && !jobsNode.isArray()) {
      f.reject("jobs", "must be an array, got " + JsonFields.describe(jobsNode));
    } else if (needsJobs && body != null && body.isObject() && (jobsNode == null || jobsNode.isEmpty())) {
      f.reject("jobs", jobsNode == null ? "is required" + openHint
          : "must have 1 to " + EnqueueRequests.MAX_BATCH + " jobs, got 0" + openHint);
    } else {
      jobs = EnqueueRequests.jobs(f.pathOf("jobs"), jobsNode, needsJobs ? 1 : 0, errors);
    }
    Settings settings = settings(f, tenant, metadata, onSuccess, onFailure, onComplete, errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Creation(jobs, settings.tenant(), settings.metadata(), settings.onSuccess(), settings.onFailure(),
        settings.onComplete(), sealedField == null || sealedField, webhookUrl);
  }

  /**
   * A batch's (or a workflow's) own fields, as read from its body.
   *
   * @param tenant as the body names it, or null
   * @param metadata JSON values as they are
   * @param onSuccess callbacks, or null
   */
  public record Settings(String tenant, Map<String, Object> metadata, JobRequest onSuccess, JobRequest onFailure,
      JobRequest onComplete) {}

  /**
   * Checks a batch's or workflow's tenant, metadata and callbacks (the nodes as the body had them,
   * null when absent), adding each mistake to {@code errors}.
   */
  public static Settings settings(JsonFields f, String tenant, ObjectNode metadata, JsonNode onSuccess,
      JsonNode onFailure, JsonNode onComplete, List<FieldError> errors) {
    if (tenant != null) {
      try {
        JobOptions.requireTenant(tenant);
      } catch (IllegalArgumentException e) {
        f.reject("tenant", e.getMessage());
      }
    }
    JobRequest success = callback(f, "on_success", onSuccess, errors);
    JobRequest failure = callback(f, "on_failure", onFailure, errors);
    JobRequest complete = callback(f, "on_complete", onComplete, errors);
    Map<String, Object> values = new LinkedHashMap<>();
    if (metadata != null) {
      // As a job's metadata: JSON values as they are, so that nulls and nesting survive.
      metadata.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
    }
    return new Settings(tenant, values, success, failure, complete);
  }

  private static JobRequest callback(JsonFields f, String field, JsonNode node, List<FieldError> errors) {
    return node == null ? null : EnqueueRequests.callback(f.pathOf(field), node, errors);
  }
}
