package dev.gantry.workflow;

import dev.gantry.batch.BatchOptions;
import dev.gantry.enqueue.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A graph of jobs to enqueue in one call: named steps, each with the steps (or earlier jobs) it
 * depends on. Made with {@link #named(String)}:
 *
 * <pre>{@code
 * Workflow report = Workflow.named("monthly report")
 *     .step("resize-1", JobRequest.of("image.resize", Map.of("image", "a.png")))
 *     .step("resize-2", JobRequest.of("image.resize", Map.of("image", "b.png")))
 *     .step("report", JobRequest.of("report.build", Map.of("month", "2026-11")),
 *         Dependency.on("resize-1"), Dependency.on("resize-2"))
 *     .step("notify", JobRequest.of("report.notify", Map.of()), Dependency.on("report").runAnyway())
 *     .build();
 * }</pre>
 *
 * @param name a label for people (dashboards, the CLI), not unique; may be null
 * @param options the workflow's tenant, metadata and callbacks (enqueued once when the last step
 *     finishes, as a batch's)
 */
public record Workflow(String name, List<WorkflowStep> steps, BatchOptions options) {
  public Workflow {
    steps = List.copyOf(steps);
    Objects.requireNonNull(options, "options");
  }

  /** Starts a workflow with this label (null: none). */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /** Collects steps in the order given; the graph is checked when it is enqueued. */
  public static final class Builder {
    private final String name;
    private final List<WorkflowStep> steps = new ArrayList<>();
    private BatchOptions options = BatchOptions.defaults();

    private Builder(String name) {
      this.name = name;
    }

    /** Adds a step that runs after {@code dependsOn} (none: at once). */
    public Builder step(String name, JobRequest job, Dependency... dependsOn) {
      return step(name, job, List.of(dependsOn));
    }

    /** Adds a step that runs after {@code dependsOn} (empty: at once). */
    public Builder step(String name, JobRequest job, List<Dependency> dependsOn) {
      steps.add(new WorkflowStep(name, job, dependsOn));
      return this;
    }

    /** The workflow's tenant, metadata and callbacks. */
    public Builder options(BatchOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    public Workflow build() {
      return new Workflow(name, steps, options);
    }
  }
}
