package dev.gantry.workflow;

import dev.gantry.batch.Batch;
import dev.gantry.job.JobState;
import java.util.List;
import java.util.UUID;

/**
 * A workflow as it is now: its counts and state (those of its batch) and every step with its state
 * and edges.
 *
 * @param batch the workflow's counts, percent and state (completed when every step completed,
 *     failed when any is dead, cancelled otherwise once all finished; running before)
 * @param name its label, or null
 * @param steps in the order they were enqueued
 */
public record WorkflowGraph(Batch batch, String name, List<Step> steps) {
  public UUID id() {
    return batch.id();
  }

  /**
   * One step.
   *
   * @param state null only if the step's job row is gone though its step name is not (removed by
   *     hand: pruning a finished job removes its step too, and a waiting one cannot be deleted)
   * @param dependsOn the edges into this step
   */
  public record Step(String name, UUID jobId, String kind, String queue, JobState state, int attempt,
      Integer progressPercent, List<Edge> dependsOn) {}

  /**
   * One edge into a step.
   *
   * @param step the dependency's step name when it is a step of this workflow, else null (a job
   *     enqueued before the workflow)
   */
  public record Edge(UUID jobId, String step, OnFailure onFailure) {}
}
