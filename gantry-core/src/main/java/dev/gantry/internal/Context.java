package dev.gantry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.events.Listeners;
import dev.gantry.job.JobTransitions;
import dev.gantry.limits.LimitEnforcement;
import dev.gantry.notify.Notifier;

/** What one Gantry instance shares with the workers and maintenance tasks it starts. */
public record Context(Db db, Sql sql, ObjectMapper mapper, Notifier notifier, Listeners listeners, JobTransitions transitions,
    LimitEnforcement limits) {}
