package dev.gantry.server.http.metrics;

import dev.gantry.events.JobEvent;
import dev.gantry.events.JobListener;
import dev.gantry.job.JobState;
import dev.gantry.job.QueueCount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * The server's metrics, in Prometheus' text format on {@code /metrics}:
 *
 * <ul>
 *   <li>{@code http_server_requests_seconds} {method, uri, status}: every request, {@code uri}
 *       being the route's template ({@code /v1/jobs/{id}}) or {@code UNMATCHED};
 *   <li>{@code gantry_jobs_enqueued_total} {queue, kind}: jobs created through this server's API
 *       (duplicates of a unique key not counted);
 *   <li>{@code gantry_queue_depth} {queue, state}: jobs per queue and state, and
 *       {@code gantry_jobs_in_flight} {queue}: jobs running now, on any node; both read from the
 *       database every few seconds (not per scrape);
 *   <li>{@code gantry_jobs_completed_total}, {@code gantry_jobs_failed_total} (failed attempts,
 *       the last one included), {@code gantry_jobs_retried_total} (failed attempts that will be
 *       retried), {@code gantry_jobs_dead_total}, {@code gantry_jobs_cancelled_total},
 *       {@code gantry_jobs_rescued_total} {queue, kind}: from a {@link JobListener} on this
 *       process's Gantry, so they count what this process saw: the outcomes remote workers
 *       reported through this server, its own workers' if it has any, and its maintenance's
 *       rescues; not other nodes';
 *   <li>{@code gantry_job_enqueue_to_start_seconds} {queue, kind}: a histogram of how long jobs
 *       claimed through this server waited, from when the attempt could start (the enqueue, or the
 *       end of its delay or retry backoff) to the claim, by the database clock;
 *   <li>{@code gantry_job_run_seconds} {queue, kind}: a histogram of the run time of attempts that
 *       completed (for remote workers, from claim to the complete request, by the database clock);
 *   <li>{@code gantry_http_event_streams}: event streams open now.
 * </ul>
 */
public final class ServerMetrics {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** Histogram buckets cover 1 ms to 1 hour; longer times fall in the last (+Inf) bucket. */
  private static final Duration MIN_EXPECTED = Duration.ofMillis(1);
  private static final Duration MAX_EXPECTED = Duration.ofHours(1);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge queueDepth = MultiGauge.builder("gantry.queue.depth")
      .description("Jobs per queue and state, as last read from the database")
      .register(registry);
  private final MultiGauge inFlight = MultiGauge.builder("gantry.jobs.in.flight")
      .description("Jobs running now (leased to a worker) per queue, as last read from the database")
      .register(registry);

  /** Register this on the Gantry the server uses ({@code Gantry.builder(ds).listener(...)}). */
  public JobListener jobListener() {
    return this::onEvent;
  }

  private void onEvent(JobEvent event) {
    switch (event) {
      case JobEvent.Completed e -> {
        count("gantry.jobs.completed", "Jobs completed, as seen by this process", e);
        histogram("gantry.job.run", "Run time of attempts that completed", e.queue(), e.kind()).record(e.runTime());
      }
      case JobEvent.Failed e -> {
        count("gantry.jobs.failed", "Failed attempts, as seen by this process", e);
        count("gantry.jobs.retried", "Failed attempts that will be retried", e);
      }
      case JobEvent.Dead e -> {
        count("gantry.jobs.failed", "Failed attempts, as seen by this process", e);
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

  private Timer histogram(String name, String description, String queue, String kind) {
    return Timer.builder(name).description(description).tags("queue", queue, "kind", kind)
        .publishPercentileHistogram().minimumExpectedValue(MIN_EXPECTED).maximumExpectedValue(MAX_EXPECTED)
        .register(registry);
  }

  /** One job created through the API. */
  public void countEnqueued(String queue, String kind) {
    Counter.builder("gantry.jobs.enqueued").description("Jobs created through this server's HTTP API")
        .tags("queue", queue, "kind", kind).register(registry).increment();
  }

  /**
   * One attempt claimed through this server.
   *
   * @param dueAt when the attempt could start; {@code startedAt} when it was claimed (both by the database clock)
   */
  public void recordStart(String queue, String kind, Instant dueAt, Instant startedAt) {
    // A job due in the future cannot be claimed; a negative wait would only mean clock rounding.
    Duration wait = Duration.between(dueAt, startedAt);
    histogram("gantry.job.enqueue.to.start", "Time from when an attempt could start to its claim",
        queue, kind).record(wait.isNegative() ? Duration.ZERO : wait);
  }

  /** Reports {@code open} as the number of open event streams ({@code gantry_http_event_streams}). */
  public void gaugeEventStreams(IntSupplier open) {
    // Held strongly: Micrometer keeps a gauge's object weakly by default, and the caller's supplier
    // (a lambda nobody else holds) was collected at the first GC, after which the gauge read NaN.
    Gauge.builder("gantry.http.event.streams", open, o -> o.getAsInt())
        .description("Open event streams (GET /v1/jobs/{id}/events and /v1/batches/{id}/events), each holding one watch")
        .strongReference(true)
        .register(registry);
  }

  /** One HTTP request, by its route template (never the raw path, which would make a series per job id). */
  public void recordRequest(String method, String uri, int status, Duration time) {
    Timer.builder("http.server.requests").description("HTTP requests served")
        .tags("method", method, "uri", uri, "status", Integer.toString(status))
        .register(registry).record(time);
  }

  /** Replaces the queue depth and in-flight gauges with these counts. */
  public void updateQueueDepths(List<QueueCount> counts) {
    queueDepth.register(counts.stream()
        .map(c -> MultiGauge.Row.of(Tags.of("queue", c.queue(), "state", c.state().dbName()), c.count()))
        .toList(), true);
    Map<String, Long> running = new TreeMap<>();
    for (QueueCount c : counts) {
      running.merge(c.queue(), c.state() == JobState.RUNNING ? c.count() : 0L, Long::sum);
    }
    inFlight.register(running.entrySet().stream()
        .map(e -> MultiGauge.Row.of(Tags.of("queue", e.getKey()), e.getValue()))
        .toList(), true);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
