package dev.gantry.workflow;

import dev.gantry.enqueue.JobRequest;
import java.util.List;
import java.util.Objects;

/**
 * One step of a workflow: a named job and what it waits for.
 *
 * @param name unique within the workflow: 1 to 200 characters
 * @param job the job to run; no unique key (a step is always a new job)
 * @param dependsOn what must finish first; empty: the step is due at once (or at its run time)
 */
public record WorkflowStep(String name, JobRequest job, List<Dependency> dependsOn) {
  public WorkflowStep {
    Objects.requireNonNull(job, "job");
    dependsOn = List.copyOf(dependsOn);
  }
}
