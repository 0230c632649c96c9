package dev.gantry.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.limits.QueueLimit;
import dev.gantry.limits.Rate;
import java.io.PrintWriter;
import java.util.List;

/** Prints queue limits as a table, or as JSON shaped like the HTTP API's. */
final class LimitOutput {
  private LimitOutput() {}

  static void table(PrintWriter out, List<QueueLimit> limits) {
    TextTable table = new TextTable("QUEUE", "CONCURRENCY", "PARTITION_BY", "PER_PARTITION", "RATE", "PARTITION_RATE");
    for (QueueLimit l : limits) {
      table.row(l.queue(), text(l.concurrency()), text(l.partitionBy()), text(l.partitionConcurrency()), text(l.rate()),
          text(l.partitionRate()));
    }
    table.print(out);
  }

  static ObjectNode json(ObjectNode o, QueueLimit l) {
    o.put("queue", l.queue());
    o.put("concurrency", l.concurrency());
    o.put("partition_by", l.partitionBy());
    o.put("partition_concurrency", l.partitionConcurrency());
    rate(o, "rate", l.rate());
    rate(o, "partition_rate", l.partitionRate());
    return o;
  }

  private static void rate(ObjectNode o, String field, Rate rate) {
    if (rate == null) {
      o.putNull(field);
    } else {
      o.putObject(field).put("limit", rate.limit()).put("period", rate.period().toString());
    }
  }

  private static String text(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Rate r) {
      return r.limit() + "/" + r.period().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
    return value.toString();
  }
}
