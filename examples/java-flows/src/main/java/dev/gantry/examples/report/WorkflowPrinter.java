package dev.gantry.examples.report;

import dev.gantry.Gantry;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.workflow.WorkflowGraph;
import java.io.PrintStream;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints a workflow as a table: one line per step with its kind, state, attempts and the steps it
 * waited for, and under a step that did not complete the reason its job recorded.
 */
public final class WorkflowPrinter {
  private final Gantry gantry;
  private final PrintStream out;

  /** @param gantry reads the jobs of steps that did not complete, for their reasons */
  public WorkflowPrinter(Gantry gantry, PrintStream out) {
    this.gantry = gantry;
    this.out = out;
  }

  public void print(WorkflowGraph graph) {
    out.println("workflow \"" + graph.name() + "\" " + graph.id() + ": " + graph.batch().state().dbName() + ", "
        + graph.batch().finished() + " of " + graph.batch().total() + " steps finished");
    int nameWidth = Math.max("step".length(), graph.steps().stream().mapToInt(s -> s.name().length()).max().orElse(0));
    int kindWidth = Math.max("kind".length(), graph.steps().stream().mapToInt(s -> s.kind().length()).max().orElse(0));
    String row = "  %-" + nameWidth + "s  %-" + kindWidth + "s  %-9s  %-7s  %s";
    out.println(String.format(Locale.ROOT, row, "step", "kind", "state", "attempt", "after").stripTrailing());
    for (WorkflowGraph.Step step : graph.steps()) {
      String after = step.dependsOn().stream()
          .map(e -> e.step() != null ? e.step() : e.jobId().toString())
          .collect(Collectors.joining(", "));
      out.println(String.format(Locale.ROOT, row, step.name(), step.kind(),
          step.state() == null ? "pruned" : step.state().dbName(), step.attempt(), after).stripTrailing());
      if (step.state() != null && step.state() != JobState.COMPLETED) {
        out.println("  " + " ".repeat(nameWidth) + "  -> " + reason(step, graph));
      }
    }
  }

  /** The step's last recorded error, with the job ids of the workflow's steps replaced by their names. */
  private String reason(WorkflowGraph.Step step, WorkflowGraph graph) {
    Job job = gantry.job(step.jobId()).orElse(null);
    if (job == null || job.errors().isEmpty()) {
      return "no reason recorded";
    }
    String reason = job.errors().getLast().message();
    for (WorkflowGraph.Step other : graph.steps()) {
      reason = reason.replace(other.jobId().toString(), other.name());
    }
    return reason;
  }
}
