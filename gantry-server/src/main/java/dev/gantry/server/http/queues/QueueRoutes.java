package dev.gantry.server.http.queues;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.Gantry;
import dev.gantry.job.JobState;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.Problems;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.Responses;
import dev.gantry.stats.Percentiles;
import dev.gantry.stats.QueueStats;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * {@code GET /v1/queues?window=PT5M}: every queue with its job count in each state (zero
 * included), and what happened within the window (by the database clock): jobs completed, dead
 * and cancelled, finished per minute, and percentiles of the wait (due to start) and run time of
 * the last attempt of the jobs that completed or died, from {@link Gantry#queueStats}.
 */
public final class QueueRoutes {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  static final Duration MAX_WINDOW = Duration.ofDays(31);

  private final Gantry gantry;

  public QueueRoutes(Gantry gantry) {
    this.gantry = gantry;
  }

  public void list(Context ctx) {
    QueryParams q = QueryParams.of(ctx, Set.of("window"));
    Duration window = window(q.get("window"));
    ObjectNode response = ApiJson.object();
    response.put("window", window.toString());
    ArrayNode queues = response.putArray("queues");
    for (QueueStats s : gantry.queueStats(window)) {
      ObjectNode queue = queues.addObject();
      queue.put("queue", s.queue());
      ObjectNode byState = queue.putObject("counts");
      long total = 0;
      for (JobState state : JobState.values()) {
        long n = s.counts().getOrDefault(state, 0L);
        byState.put(state.dbName(), n);
        total += n;
      }
      queue.put("total", total);
      ObjectNode recent = queue.putObject("recent");
      recent.put("completed", s.completed());
      recent.put("dead", s.dead());
      recent.put("cancelled", s.cancelled());
      recent.put("finished_per_minute", s.finishedPerMinute());
      recent.set("wait_ms", percentiles(s.waitTime()));
      recent.set("run_ms", percentiles(s.runTime()));
    }
    Responses.json(ctx, 200, response);
  }

  private static ObjectNode percentiles(Percentiles p) {
    if (p == null) {
      return null;
    }
    ObjectNode o = ApiJson.object();
    o.put("p50", p.p50Ms());
    o.put("p95", p.p95Ms());
    o.put("p99", p.p99Ms());
    return o;
  }

  private static Duration window(String text) {
    if (text == null) {
      return DEFAULT_WINDOW;
    }
    Duration d;
    try {
      d = Duration.parse(text);
    } catch (DateTimeParseException e) {
      d = null;
    }
    if (d == null || d.compareTo(MIN_WINDOW) < 0 || d.compareTo(MAX_WINDOW) > 0) {
      throw Problems.invalid("window", "must be an ISO-8601 duration from PT1S to P31D, such as PT5M or PT1H; got '"
          + text + "'");
    }
    return d;
  }
}
