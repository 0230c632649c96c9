package dev.gantry.server.http.workflows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.batches.BatchView;
import dev.gantry.workflow.DependencyResult;
import dev.gantry.workflow.WorkflowGraph;
import java.util.List;

/**
 * A workflow as the API shows it ({@code Workflow} in {@code openapi.json}): its batch's fields
 * ({@link BatchView}: counts, state, metadata, timestamps) with its name and every step, and a
 * job's dependencies ({@code JobDependencies}). A step whose job was pruned is left out; a
 * dependency that was pruned shows null for what only its job knew (kind, state).
 */
public final class WorkflowView {
  private WorkflowView() {}

  public static ObjectNode of(WorkflowGraph graph) {
    ObjectNode o = ApiJson.object();
    // id and name first, then the batch's fields in their usual order (setAll keeps id where it is).
    o.put("id", graph.id().toString());
    o.put("name", graph.name());
    o.setAll(BatchView.of(graph.batch()));
    ArrayNode steps = o.putArray("steps");
    for (WorkflowGraph.Step step : graph.steps()) {
      ObjectNode s = steps.addObject();
      s.put("step", step.name());
      s.put("job_id", step.jobId().toString());
      s.put("kind", step.kind());
      s.put("queue", step.queue());
      s.put("state", step.state() == null ? null : step.state().dbName());
      s.put("attempt", step.attempt());
      s.put("progress_percent", step.progressPercent());
      ArrayNode dependsOn = s.putArray("depends_on");
      for (WorkflowGraph.Edge edge : step.dependsOn()) {
        dependsOn.addObject()
            .put("job_id", edge.jobId().toString())
            .put("step", edge.step())
            .put("on_failure", edge.onFailure().dbName());
      }
    }
    return o;
  }

  /** {@code {"dependencies": [...]}}: a job's dependencies, with the results of the completed ones. */
  public static ObjectNode dependencies(List<DependencyResult> dependencies) {
    ObjectNode o = ApiJson.object();
    ArrayNode list = o.putArray("dependencies");
    for (DependencyResult d : dependencies) {
      ObjectNode item = list.addObject();
      item.put("job_id", d.jobId().toString());
      item.put("step", d.step());
      item.put("kind", d.kind());
      item.put("state", d.state() == null ? null : d.state().dbName());
      item.put("on_failure", d.onFailure().dbName());
      item.set("result", d.result());
    }
    return o;
  }
}
