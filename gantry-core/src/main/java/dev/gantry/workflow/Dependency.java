package dev.gantry.workflow;

import java.util.Objects;
import java.util.UUID;

/**
 * One edge of a workflow: the step (or an already enqueued job) that must finish before the
 * dependent step runs, and what its failure does to the dependent.
 *
 * @param step another step of the same workflow, by name; null when {@code jobId} is given
 * @param jobId a job enqueued earlier (running, waiting or finished), of the same tenant; null when
 *     {@code step} is given
 */
public record Dependency(String step, UUID jobId, OnFailure onFailure) {
  public Dependency {
    if ((step == null) == (jobId == null)) {
      throw new IllegalArgumentException("a dependency names either a step or a job id, not "
          + (step == null ? "neither" : "both"));
    }
    Objects.requireNonNull(onFailure, "onFailure");
  }

  /** Runs after the step of this name completed; cancelled if it ends dead or cancelled. */
  public static Dependency on(String step) {
    return new Dependency(Objects.requireNonNull(step, "step"), null, OnFailure.CANCEL);
  }

  /** Runs after the job with this id (enqueued before) completed; cancelled if it ends dead or cancelled. */
  public static Dependency onJob(UUID jobId) {
    return new Dependency(null, Objects.requireNonNull(jobId, "jobId"), OnFailure.CANCEL);
  }

  /** The same edge, but the dependent runs whichever way this dependency ends. */
  public Dependency runAnyway() {
    return new Dependency(step, jobId, OnFailure.RUN);
  }

  /** How error messages name the dependency. */
  String label() {
    return step != null ? "step '" + step + "'" : "job " + jobId;
  }
}
