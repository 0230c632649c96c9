package dev.gantry.server.http.batches;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.batch.Batch;
import dev.gantry.server.http.ApiJson;
import java.time.Instant;

/**
 * A batch as the API shows it ({@code Batch} in {@code openapi.json}), and {@code gantry batches
 * show --json}: snake_case fields like the job's, the state in lower case, ISO-8601 timestamps.
 */
public final class BatchView {
  private BatchView() {}

  public static ObjectNode of(Batch batch) {
    ObjectNode o = ApiJson.object();
    o.put("id", batch.id().toString());
    o.put("tenant", batch.tenant());
    o.put("state", batch.state().dbName());
    o.put("total", batch.total());
    o.put("pending", batch.pending());
    o.put("running", batch.running());
    o.put("completed", batch.completed());
    o.put("dead", batch.dead());
    o.put("cancelled", batch.cancelled());
    o.put("percent", batch.percent());
    o.set("metadata", batch.metadata() == null ? ApiJson.object() : batch.metadata());
    o.put("cancel_requested", batch.cancelRequested());
    o.put("created_at", text(batch.createdAt()));
    o.put("sealed_at", text(batch.sealedAt()));
    o.put("finished_at", text(batch.finishedAt()));
    return o;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
