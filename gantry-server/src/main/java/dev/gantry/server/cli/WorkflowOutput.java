package dev.gantry.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gantry.batch.Batch;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.workflows.WorkflowView;
import dev.gantry.workflow.OnFailure;
import dev.gantry.workflow.WorkflowGraph;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the {@code gantry workflows} commands print a workflow: a block of one field a line and a
 * table of its steps, or with {@code --json} the JSON of {@code GET /v1/workflows/{id}}.
 */
final class WorkflowOutput {
  private WorkflowOutput() {}

  static void print(PrintWriter out, WorkflowGraph workflow, boolean json) throws JsonProcessingException {
    if (json) {
      out.println(ApiJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(WorkflowView.of(workflow)));
      return;
    }
    Batch batch = workflow.batch();
    TextTable header = new TextTable("id", workflow.id().toString());
    header.row("name", workflow.name());
    header.row("state", batch.state().dbName() + (batch.cancelRequested() && !batch.state().isFinished()
        ? " (cancel requested)" : ""));
    header.row("tenant", batch.tenant());
    header.row("progress", String.format(Locale.ROOT, "%.1f%%", batch.percent()) + " (" + batch.finished() + " of "
        + batch.total() + " steps finished)");
    header.row("total", batch.total());
    header.row("pending", batch.pending());
    header.row("running", batch.running());
    header.row("completed", batch.completed());
    header.row("dead", batch.dead());
    header.row("cancelled", batch.cancelled());
    header.row("created", time(batch.createdAt()));
    header.row("finished", time(batch.finishedAt()));
    header.row("metadata", batch.metadata());
    header.print(out);
    out.println();
    TextTable steps = new TextTable("STEP", "JOB", "KIND", "STATE", "DEPENDS ON");
    for (WorkflowGraph.Step step : workflow.steps()) {
      // A step whose job no longer exists keeps its name and edges; a bare "-" would read as "no state yet".
      steps.row(step.name(), step.jobId(), step.kind(), step.state() == null ? "(gone)" : step.state().dbName(),
          dependsOn(step.dependsOn()));
    }
    steps.print(out);
  }

  /** "a, b (run anyway), 0193…": steps by name, jobs from outside the workflow by id; null when there are none. */
  private static String dependsOn(List<WorkflowGraph.Edge> edges) {
    if (edges.isEmpty()) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (WorkflowGraph.Edge edge : edges) {
      names.add((edge.step() != null ? edge.step() : edge.jobId().toString())
          + (edge.onFailure() == OnFailure.RUN ? " (run anyway)" : ""));
    }
    return String.join(", ", names);
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
