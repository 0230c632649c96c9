package dev.gantry.server.http.queues;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.limits.QueueLimit;
import dev.gantry.limits.Rate;
import dev.gantry.server.http.ApiJson;

/** A queue's limits as the API shows them: every field, null where no limit is set. */
final class QueueLimitView {
  private QueueLimitView() {}

  static ObjectNode of(QueueLimit limit) {
    ObjectNode o = ApiJson.object();
    o.put("queue", limit.queue());
    o.put("concurrency", limit.concurrency());
    o.put("partition_by", limit.partitionBy());
    o.put("partition_concurrency", limit.partitionConcurrency());
    o.set("rate", rate(limit.rate()));
    o.set("partition_rate", rate(limit.partitionRate()));
    return o;
  }

  private static ObjectNode rate(Rate rate) {
    if (rate == null) {
      return null;
    }
    ObjectNode o = ApiJson.object();
    o.put("limit", rate.limit());
    o.put("period", rate.period().toString());
    return o;
  }
}
