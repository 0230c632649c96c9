package dev.gantry.examples.report;

import dev.gantry.Gantry;
import dev.gantry.examples.support.BatchCompletion;
import dev.gantry.examples.support.ProgressBar;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.workflow.WorkflowGraph;
import dev.gantry.workflow.WorkflowResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One monthly report, end to end: enqueues {@link ReportWorkflow} in one call, follows the
 * workflow (a batch of its steps) until every step has finished, and prints its graph and, when
 * it was published, the report. The steps run on whatever workers serve the {@code default}
 * queue ({@link ReportWorker}).
 */
public final class ReportFlow {
  private static final int BAR_WIDTH = 20;

  private final Gantry gantry;
  private final PrintStream out;

  public ReportFlow(Gantry gantry, PrintStream out) {
    this.gantry = gantry;
    this.out = out;
  }

  /**
   * @param images the pictures' file names, as the workers' {@link ImageResizer} finds them
   * @throws TimeoutException if some step had not finished within {@code timeout}
   */
  public ReportOutcome run(String month, List<String> images, Duration timeout)
      throws InterruptedException, TimeoutException {
    WorkflowResult enqueued = gantry.workflows().enqueue(ReportWorkflow.of(month, images));
    out.println("enqueued workflow " + enqueued.workflowId() + ": " + String.join(", ", enqueued.steps().keySet()));
    ProgressBar bar = new ProgressBar("report " + month, "steps", BAR_WIDTH);
    AtomicReference<String> previous = new AtomicReference<>();
    BatchCompletion.await(gantry.batches(), enqueued.workflowId(), timeout, batch -> {
      String line = bar.render(batch);
      // A change of the running count alone draws the same bar: show it once.
      if (!line.equals(previous.getAndSet(line))) {
        out.println(line);
      }
    });
    WorkflowGraph graph = gantry.workflows().get(enqueued.workflowId())
        .orElseThrow(() -> new IllegalStateException("workflow " + enqueued.workflowId() + " is gone"));
    new WorkflowPrinter(gantry, out).print(graph);
    Job publish = gantry.job(enqueued.step(ReportWorkflow.PUBLISH))
        .orElseThrow(() -> new IllegalStateException("the publish step's job is gone"));
    if (publish.state() == JobState.COMPLETED) {
      printPublished(Path.of(publish.result().path("file").asText()));
    } else {
      out.println("report " + month + " not published: its publish step is " + publish.state().dbName());
    }
    return new ReportOutcome(enqueued, graph);
  }

  /** Shows the published report, when it was written where this process can read it. */
  private void printPublished(Path file) {
    out.println("published " + file + (Files.isReadable(file) ? ":" : ""));
    if (Files.isReadable(file)) {
      try {
        Files.readAllLines(file, StandardCharsets.UTF_8).forEach(line -> out.println("  " + line));
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the published report " + file, e);
      }
    }
  }
}
