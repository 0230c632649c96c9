package dev.gantry.workflow;

import dev.gantry.batch.BatchNotFoundException;
import java.util.UUID;

/** No workflow has this id (for this tenant, when the caller is scoped to one). */
public final class WorkflowNotFoundException extends BatchNotFoundException {
  public WorkflowNotFoundException(UUID id) {
    super(id, "no workflow with id " + id);
  }
}
