package dev.gantry.server.http.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.JsonFields;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.batches.BatchRequests;
import dev.gantry.server.http.jobs.EnqueueRequests;
import dev.gantry.workflow.Dependency;
import dev.gantry.workflow.OnFailure;
import dev.gantry.workflow.WorkflowStep;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns the body of {@code POST /v1/workflows} into a {@link Creation}, checking every field and
 * listing every mistake, as {@link dev.gantry.server.http.batches.BatchRequests} does for batches:
 * each step's job is read as a batch's job without {@code unique_key} (a step is always a new job),
 * the callbacks as a batch's. The graph itself (step names, unknown steps, cycles) is checked by
 * Gantry when it is enqueued, and whether the caller's key may use the tenants named is the
 * routes' decision.
 */
public final class WorkflowRequests {
  static final int MAX_NAME = 200;

  private WorkflowRequests() {}

  /**
   * What a {@code POST /v1/workflows} asks for.
   *
   * @param name the workflow's label, or null
   * @param steps in order, each with its job and its dependencies as given
   * @param tenant the workflow's tenant as the body names it, or null
   * @param metadata the workflow's metadata, JSON values as they are
   * @param onSuccess callbacks, or null
   * @param webhookUrl called once the workflow has finished, or null
   */
  public record Creation(String name, List<WorkflowStep> steps, String tenant, Map<String, Object> metadata,
      JobRequest onSuccess, JobRequest onFailure, JobRequest onComplete, URI webhookUrl) {}

  /**
   * The workflow of a {@code POST /v1/workflows} body.
   *
   * @throws dev.gantry.server.http.ProblemException 400 listing every mistake, in the workflow, its
   *     steps and its callbacks
   */
  public static Creation creation(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    JsonFields f = JsonFields.of("", body, errors);
    String name = f.optionalString("name");
    JsonNode stepsNode = f.requiredArray("steps");
    String tenant = f.optionalString("tenant");
    ObjectNode metadata = f.optionalObject("metadata");
    JsonNode onSuccess = f.optionalValue("on_success");
    JsonNode onFailure = f.optionalValue("on_failure");
    JsonNode onComplete = f.optionalValue("on_complete");
    URI webhookUrl = EnqueueRequests.webhookUrl(f, f.optionalString("webhook_url"));
    f.finish();

    if (name != null && (name.isBlank() || name.length() > MAX_NAME)) {
      f.reject("name", "must be 1 to " + MAX_NAME + " characters and not blank; leave it out for none");
    }
    List<WorkflowStep> steps = steps(f.pathOf("steps"), stepsNode, errors);
    BatchRequests.Settings settings = BatchRequests.settings(f, tenant, metadata, onSuccess, onFailure, onComplete,
        errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Creation(name, steps, settings.tenant(), settings.metadata(), settings.onSuccess(),
        settings.onFailure(), settings.onComplete(), webhookUrl);
  }

  /** The steps of the array at {@code path}, 1 to {@link EnqueueRequests#MAX_BATCH}; empty when there were mistakes. */
  private static List<WorkflowStep> steps(String path, JsonNode steps, List<FieldError> errors) {
    List<WorkflowStep> out = new ArrayList<>();
    if (steps == null) {
      return out;
    }
    if (steps.isEmpty() || steps.size() > EnqueueRequests.MAX_BATCH) {
      errors.add(new FieldError(path, "must have 1 to " + EnqueueRequests.MAX_BATCH + " steps, got " + steps.size()));
      return out;
    }
    for (int i = 0; i < steps.size(); i++) {
      out.add(step(path + "[" + i + "]", steps.get(i), errors));
    }
    return out;
  }

  /** One step: its name, its job's fields and its dependencies, all in one object; null when it has mistakes. */
  private static WorkflowStep step(String path, JsonNode node, List<FieldError> errors) {
    int before = errors.size();
    JsonFields f = JsonFields.of(path, node, errors);
    String name = f.requiredString("step");
    JobRequest job = EnqueueRequests.stepJob(f, errors);
    JsonNode dependsOn = f.optionalArray("depends_on");
    f.finish();
    List<Dependency> dependencies = dependencies(f.pathOf("depends_on"), dependsOn, errors);
    return errors.size() > before ? null : new WorkflowStep(name, job, dependencies);
  }

  /**
   * A step's dependencies: each the name of another step, or an object naming a {@code step} or
   * the id of a {@code job} enqueued before, with an optional {@code on_failure}.
   */
  private static List<Dependency> dependencies(String path, JsonNode array, List<FieldError> errors) {
    List<Dependency> out = new ArrayList<>();
    if (array == null) {
      return out;
    }
    for (int d = 0; d < array.size(); d++) {
      String at = path + "[" + d + "]";
      JsonNode item = array.get(d);
      if (item.isTextual()) {
        out.add(Dependency.on(item.textValue()));
      } else if (item.isObject()) {
        Dependency dependency = dependency(at, item, errors);
        if (dependency != null) {
          out.add(dependency);
        }
      } else {
        errors.add(new FieldError(at, "must be the name of another step, or an object with step or job"
            + " (and on_failure), got " + JsonFields.describe(item)));
      }
    }
    return out;
  }

  private static Dependency dependency(String path, JsonNode node, List<FieldError> errors) {
    int before = errors.size();
    JsonFields f = JsonFields.of(path, node, errors);
    String step = f.optionalString("step");
    UUID job = f.optionalUuid("job");
    String onFailureText = f.optionalString("on_failure");
    f.finish();
    OnFailure onFailure = OnFailure.CANCEL;
    if (onFailureText != null) {
      onFailure = Arrays.stream(OnFailure.values()).filter(o -> o.dbName().equals(onFailureText)).findFirst()
          .orElse(null);
      if (onFailure == null) {
        f.reject("on_failure", "must be cancel (the step is cancelled when this dependency ends dead or cancelled;"
            + " the default) or run (the step runs however it ends), got '" + onFailureText + "'");
      }
    }
    if (errors.size() > before) {
      return null;
    }
    if (step == null && job == null) {
      errors.add(new FieldError(path, "needs step (the name of another step of this workflow) or job (the id of a"
          + " job enqueued before)"));
      return null;
    }
    if (step != null && job != null) {
      errors.add(new FieldError(path, "set either step or job, not both"));
      return null;
    }
    return new Dependency(step, job, onFailure);
  }
}
