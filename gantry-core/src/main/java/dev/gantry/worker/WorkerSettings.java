package dev.gantry.worker;

import dev.gantry.maintenance.Retention;
import dev.gantry.webhook.WebhookSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

/**
 * A worker node's settings; see {@link WorkerBuilder} for each one's meaning and default.
 * {@code claimKinds} is null when the node claims every kind of its queues.
 */
record WorkerSettings(
    String workerId,
    Map<String, Integer> queues,
    Duration leaseDuration,
    Duration heartbeatInterval,
    Duration pollInterval,
    int fetchBatchSize,
    int completeBatchSize,
    Duration completeFlushInterval,
    int maxPendingCompletions,
    Duration defaultTimeout,
    Duration shutdownTimeout,
    boolean maintenance,
    Duration stageInterval,
    Duration rescueInterval,
    Duration pruneInterval,
    Duration vacuumInterval,
    Duration scheduleInterval,
    Retention retention,
    ThreadFactory handlerThreads,
    Set<String> claimKinds,
    WebhookSettings webhooks) {}
