package dev.gantry.server.cli;

import dev.gantry.workflow.WorkflowGraph;
import dev.gantry.workflow.Workflows;
import picocli.CommandLine.Command;

/** {@code gantry workflows show ID}: a workflow's state and counts, and each step with what it waits for. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "Shows one workflow: its state and counts, then its steps with their states and dependencies.",
    description = {
        "The header's counts are the workflow's batch's: 'pending' there counts every step waiting to run. "
            + "A step in state pending waits for the steps (or earlier jobs, shown by id) it depends on; "
            + "'(run anyway)' marks a dependency whose failure does not cancel the step, and '(gone)' a step "
            + "whose job no longer exists. "
            + "Exits 1 with 'no workflow ID' when there is no such workflow (a plain batch is not one: see "
            + "'gantry batches show'). --json prints what GET /v1/workflows/{id} answers.",
        ""})
public final class WorkflowsShowCommand extends WorkflowCommand {
  WorkflowsShowCommand(CliEnvironment environment) {
    super(environment);
  }

  @Override
  WorkflowGraph act(Workflows workflows, WorkflowGraph before, StringBuilder note) {
    return before;
  }
}
