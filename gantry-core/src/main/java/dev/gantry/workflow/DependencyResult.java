package dev.gantry.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.job.JobState;
import java.util.UUID;

/**
 * A dependency of a job, as its dependent reads it.
 *
 * @param step its step name when it belongs to a workflow, else null
 * @param state its state now: completed, dead or cancelled once finished; null if it was pruned
 * @param result the value its handler returned, when it completed (else null)
 */
public record DependencyResult(UUID jobId, String step, String kind, JobState state, OnFailure onFailure,
    JsonNode result) {}
