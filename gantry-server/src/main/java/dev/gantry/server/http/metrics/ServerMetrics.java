package dev.gantry.server.http.metrics;

import dev.gantry.events.JobEvent;
import dev.gantry.events.JobListener;
import dev.gantry.job.QueueCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * The server's metrics, in Prometheus' text format on {@code /metrics}:
 *
 * <ul>
 *   <li>{@code http_server_requests_seconds} {method, uri, status}: every request, {@code uri}
 *       being the route's template ({@code /v1/jobs/{id}}) or {@code UNMATCHED};
 *   <li>{@code gantry_jobs_enqueued_total} {queue, kind}: jobs created through this server's API
 *       (duplicates of a unique key not counted);
 *   <li>{@code gantry_queue_depth} {queue, state}: jobs per queue and state, read from the database
 *       every few seconds (not per scrape), for all nodes;
 *   <li>{@code gantry_jobs_completed_total}, {@code gantry_jobs_failed_total} (failed attempts,
 *       the last one included), {@code gantry_jobs_retried_total} (failed attempts that will be
 *       retried), {@code gantry_jobs_dead_total}, {@code gantry_jobs_cancelled_total},
 *       {@code gantry_jobs_rescued_total} {queue, kind}: from a {@link JobListener} on this
 *       process's Gantry, so they count what this process's workers and maintenance did, not
 *       other nodes'.
 * </ul>
 */
public final class ServerMetrics {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge queueDepth = MultiGauge.builder("gantry.queue.depth")
      .description("Jobs per queue and state, as last read from the database")
      .register(registry);

  /** Register this on the Gantry the server uses ({@code Gantry.builder(ds).listener(...)}). */
  public JobListener jobListener() {
    return this::onEvent;
  }

  private void onEvent(JobEvent event) {
    switch (event) {
      case JobEvent.Completed e -> count("gantry.jobs.completed", "Jobs completed by this process's workers", e);
      case JobEvent.Failed e -> {
        count("gantry.jobs.failed", "Failed attempts in this process's workers", e);
        count("gantry.jobs.retried", "Failed attempts that will be retried", e);
      }
      case JobEvent.Dead e -> {
        count("gantry.jobs.failed", "Failed attempts in this process's workers", e);
        count("gantry.jobs.dead", "Jobs that ran out of attempts or failed permanently", e);
      }
      case JobEvent.Cancelled e -> count("gantry.jobs.cancelled", "Jobs cancelled, as seen by this process", e);
      case JobEvent.Rescued e -> count("gantry.jobs.rescued", "Jobs taken back from expired leases by this process", e);
      default -> { }
    }
  }

  private void count(String name, String description, JobEvent event) {
    Counter.builder(name).description(description).tags("queue", event.queue(), "kind", event.kind())
        .register(registry).increment();
  }

  /** One job created through the API. */
  public void countEnqueued(String queue, String kind) {
    Counter.builder("gantry.jobs.enqueued").description("Jobs created through this server's HTTP API")
        .tags("queue", queue, "kind", kind).register(registry).increment();
  }

  /** One HTTP request, by its route template (never the raw path, which would make a series per job id). */
  public void recordRequest(String method, String uri, int status, Duration time) {
    Timer.builder("http.server.requests").description("HTTP requests served")
        .tags("method", method, "uri", uri, "status", Integer.toString(status))
        .register(registry).record(time);
  }

  /** Replaces the queue depth gauges with these counts. */
  public void updateQueueDepths(List<QueueCount> counts) {
    queueDepth.register(counts.stream()
        .map(c -> MultiGauge.Row.of(Tags.of("queue", c.queue(), "state", c.state().dbName()), c.count()))
        .toList(), true);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
