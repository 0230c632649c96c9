package dev.gantry.server.cli;

import dev.gantry.workflow.WorkflowGraph;
import dev.gantry.workflow.Workflows;
import picocli.CommandLine.Command;

/** {@code gantry workflows cancel ID}: cancels a workflow's waiting steps and stops its running ones. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Cancels a workflow.",
    description = {
        "Its steps that have not started, pending ones included, are cancelled at once and never run, and the "
            + "workers running the others, on whichever node, are told to stop them. It finishes, and its failure "
            + "and complete callbacks are enqueued as they apply, when its last step has. A finished workflow is "
            + "left as it is (exit 0). Exits 1 with 'no workflow ID' when there is no such workflow.",
        ""})
public final class WorkflowsCancelCommand extends WorkflowCommand {
  WorkflowsCancelCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  WorkflowGraph act(Workflows workflows, WorkflowGraph before, StringBuilder note) {
    if (before.batch().state().isFinished()) {
      // Nothing of it waits or runs: leave it exactly as it is.
      note.append("Workflow " + id + " had already finished (" + before.batch().state().dbName()
          + "); nothing changed.");
      return before;
    }
    WorkflowGraph workflow = workflows.cancel(id);
    int running = workflow.batch().running();
    note.append("Cancelled workflow " + id + ": its steps that had not started will not run"
        + (running == 0 ? "." : ", and the workers of its " + running + " running ones were told to stop them."));
    return workflow;
  }
}
