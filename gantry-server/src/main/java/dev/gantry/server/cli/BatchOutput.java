package dev.gantry.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gantry.batch.Batch;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.batches.BatchView;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;

/**
 * How the {@code gantry batches} commands print a batch: a block of one field a line, or with
 * {@code --json} the JSON of {@code GET /v1/batches/{id}}.
 */
final class BatchOutput {
  private BatchOutput() {}

  static void print(PrintWriter out, Batch batch, boolean json) throws JsonProcessingException {
    if (json) {
      out.println(ApiJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(BatchView.of(batch)));
      return;
    }
    TextTable table = new TextTable("id", batch.id().toString());
    table.row("state", batch.state().dbName() + (batch.cancelRequested() && !batch.state().isFinished()
        ? " (cancel requested)" : ""));
    table.row("tenant", batch.tenant());
    table.row("progress", String.format(Locale.ROOT, "%.1f%%", batch.percent()) + " (" + batch.finished() + " of "
        + batch.total() + " jobs finished)");
    table.row("total", batch.total());
    table.row("pending", batch.pending());
    table.row("running", batch.running());
    table.row("completed", batch.completed());
    table.row("dead", batch.dead());
    table.row("cancelled", batch.cancelled());
    table.row("created", time(batch.createdAt()));
    table.row("sealed", batch.sealedAt() == null ? "no (jobs may still be added)" : time(batch.sealedAt()));
    table.row("finished", time(batch.finishedAt()));
    table.row("metadata", batch.metadata());
    table.print(out);
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
