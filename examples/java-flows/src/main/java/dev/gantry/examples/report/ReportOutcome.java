package dev.gantry.examples.report;

import dev.gantry.workflow.WorkflowGraph;
import dev.gantry.workflow.WorkflowResult;

/**
 * How a report's workflow went, as {@link ReportFlow#run} saw it.
 *
 * @param enqueued the workflow's id and each step's job id
 * @param graph the workflow once every step had finished
 */
public record ReportOutcome(WorkflowResult enqueued, WorkflowGraph graph) {}
