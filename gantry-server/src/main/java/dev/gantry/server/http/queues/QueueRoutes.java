package dev.gantry.server.http.queues;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.Gantry;
import dev.gantry.job.JobState;
import dev.gantry.job.QueueCount;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.QueryParams;
import dev.gantry.server.http.Responses;
import io.javalin.http.Context;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code GET /v1/queues}: every queue with its job count in each state (zero included). */
public final class QueueRoutes {
  private final Gantry gantry;

  public QueueRoutes(Gantry gantry) {
    this.gantry = gantry;
  }

  public void list(Context ctx) {
    QueryParams.of(ctx, Set.of());
    Map<String, Map<JobState, Long>> byQueue = new TreeMap<>();
    for (QueueCount c : gantry.queueCounts()) {
      byQueue.computeIfAbsent(c.queue(), q -> new EnumMap<>(JobState.class)).merge(c.state(), c.count(), Long::sum);
    }
    ObjectNode response = ApiJson.object();
    ArrayNode queues = response.putArray("queues");
    byQueue.forEach((queue, counts) -> {
      ObjectNode q = queues.addObject();
      q.put("queue", queue);
      ObjectNode byState = q.putObject("counts");
      long total = 0;
      for (JobState state : JobState.values()) {
        long n = counts.getOrDefault(state, 0L);
        byState.put(state.dbName(), n);
        total += n;
      }
      q.put("total", total);
    });
    Responses.json(ctx, 200, response);
  }
}
