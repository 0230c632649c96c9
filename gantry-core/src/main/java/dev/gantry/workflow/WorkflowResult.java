package dev.gantry.workflow;

import java.util.Map;
import java.util.UUID;

/**
 * A workflow just enqueued.
 *
 * @param workflowId the workflow's id (also its batch's: {@code Gantry.batches()} reads its counts)
 * @param steps each step's job id, by step name, in the order the steps were given
 */
public record WorkflowResult(UUID workflowId, Map<String, UUID> steps) {
  public UUID step(String name) {
    UUID id = steps.get(name);
    if (id == null) {
      throw new IllegalArgumentException("no step named '" + name + "' in workflow " + workflowId);
    }
    return id;
  }
}
