package dev.gantry.server.cli;

import dev.gantry.GantryException;
import dev.gantry.workflow.WorkflowGraph;
import dev.gantry.workflow.WorkflowNotFoundException;
import dev.gantry.workflow.Workflows;
import java.io.PrintWriter;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the {@code gantry workflows} commands share: the workflow id, {@code --schema}, {@code --json},
 * the workflow read before acting ("no workflow ID", exit 1, when there is none) and the printed
 * workflow. Each command says what it does to the workflow and what to tell a person about it.
 */
abstract class WorkflowCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec
  private CommandSpec spec;

  @Mixin
  private SchemaOption schema;

  @Parameters(index = "0", paramLabel = "ID", converter = WorkflowIdConverter.class, description = "The workflow's id.")
  UUID id;

  @Option(names = "--json", description = "Print the workflow as JSON, as the HTTP API answers (GET /v1/workflows/{id}, "
      + "or the command's POST route).")
  private boolean json;

  WorkflowCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  /**
   * Acts on the workflow, read just before.
   *
   * @param note where to put the line said to a person (not printed with --json)
   * @return the workflow to print
   */
  abstract WorkflowGraph act(Workflows workflows, WorkflowGraph before, StringBuilder note);

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CliGantry cli = CliGantry.open(environment, schema.schema)) {
      Workflows workflows = cli.gantry().workflows();
      WorkflowGraph before = workflows.get(id).orElseThrow(() -> new GantryException("no workflow " + id));
      StringBuilder note = new StringBuilder();
      WorkflowGraph workflow;
      try {
        workflow = act(workflows, before, note);
      } catch (WorkflowNotFoundException e) {
        throw new GantryException("no workflow " + id, e);
      }
      if (!json && !note.isEmpty()) {
        out.println(note);
      }
      WorkflowOutput.print(out, workflow, json);
      out.flush();
      return ExitCodes.OK;
    }
  }
}
