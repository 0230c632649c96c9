package dev.gantry.examples.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.Gantry;
import dev.gantry.batch.BatchState;
import dev.gantry.examples.support.BatchCompletion;
import dev.gantry.examples.support.SharedDatabase;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.worker.Worker;
import dev.gantry.workflow.OnFailure;
import dev.gantry.workflow.WorkflowGraph;
import dev.gantry.workflow.WorkflowResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReportExampleTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String MONTH = "2026-11";

  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private Gantry gantry;
  private SampleImages images;
  private Worker worker;

  @BeforeEach
  void setUp() {
    gantry = SharedDatabase.newGantry();
  }

  @AfterEach
  void tearDown() {
    if (worker != null) {
      worker.close();
    }
    gantry.close();
    if (images != null) {
      images.close();
    }
  }

  private ReportOutcome report(int count, int broken) throws Exception {
    images = SampleImages.create(count, broken);
    worker = ReportWorker.start(gantry, images.directory(), 4);
    return new ReportFlow(gantry, new PrintStream(output, true, StandardCharsets.UTF_8)).run(MONTH, images.images(),
        TIMEOUT);
  }

  private Job job(UUID id) {
    return gantry.job(id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  private List<Job> imageJobs(WorkflowResult workflow, int count) {
    List<Job> jobs = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      jobs.add(job(workflow.step(ReportWorkflow.resizeStep(n))));
    }
    return jobs;
  }

  private static WorkflowGraph.Step step(WorkflowGraph graph, String name) {
    return graph.steps().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name));
  }

  @Test
  void theReportAndItsPublicationWaitPendingUntilTheStepsBeforeThemFinish() throws Exception {
    images = SampleImages.create(3, 0);
    WorkflowResult workflow = gantry.workflows().enqueue(ReportWorkflow.of(MONTH, images.images()));

    // No worker yet: nothing has run, and nothing can overtake the images.
    WorkflowGraph waiting = gantry.workflows().get(workflow.workflowId()).orElseThrow();
    assertThat(waiting.name()).isEqualTo("report " + MONTH);
    assertThat(waiting.steps()).extracting(WorkflowGraph.Step::name)
        .containsExactly("resize-1", "resize-2", "resize-3", "report", "publish");
    assertThat(waiting.steps()).extracting(WorkflowGraph.Step::state)
        .containsExactly(JobState.AVAILABLE, JobState.AVAILABLE, JobState.AVAILABLE, JobState.PENDING, JobState.PENDING);
    assertThat(step(waiting, "report").dependsOn()).extracting(WorkflowGraph.Edge::step, WorkflowGraph.Edge::onFailure)
        .containsExactly(
            tuple("resize-1", OnFailure.CANCEL),
            tuple("resize-2", OnFailure.CANCEL),
            tuple("resize-3", OnFailure.CANCEL));
    assertThat(step(waiting, "publish").dependsOn()).extracting(WorkflowGraph.Edge::step).containsExactly("report");

    worker = ReportWorker.start(gantry, images.directory(), 4);
    assertThat(BatchCompletion.await(gantry.batches(), workflow.workflowId(), TIMEOUT, b -> {}).state())
        .isEqualTo(BatchState.COMPLETED);
  }

  @Test
  void theReportStartsOnlyAfterEveryImageAndSummarisesThemAll() throws Exception {
    ReportOutcome outcome = report(4, 0);

    assertThat(outcome.graph().batch().state()).isEqualTo(BatchState.COMPLETED);
    assertThat(outcome.graph().steps()).extracting(WorkflowGraph.Step::state).containsOnly(JobState.COMPLETED);
    List<Job> imageJobs = imageJobs(outcome.enqueued(), 4);
    Job report = job(outcome.enqueued().step(ReportWorkflow.REPORT));
    Job publish = job(outcome.enqueued().step(ReportWorkflow.PUBLISH));
    for (Job image : imageJobs) {
      assertThat(image.state()).isEqualTo(JobState.COMPLETED);
      assertThat(report.attemptedAt()).as("report.build started after %s finished", image.args())
          .isAfterOrEqualTo(image.finishedAt());
    }
    assertThat(publish.attemptedAt()).as("publish started after the report finished")
        .isAfterOrEqualTo(report.finishedAt());
    assertThat(report.attempt()).isEqualTo(1);
    assertThat(publish.attempt()).isEqualTo(1);

    List<ResizedImage> resized = new ArrayList<>();
    for (Job image : imageJobs) {
      resized.add(gantry.mapper().treeToValue(image.result(), ResizedImage.class));
    }
    assertThat(resized).containsExactly(
        new ResizedImage("a.png", 320, 240),
        new ResizedImage("b.png", 320, 240),
        new ResizedImage("c.png", 320, 128),
        new ResizedImage("d.png", 320, 480));
    ReportSummary summary = gantry.mapper().treeToValue(report.result(), ReportSummary.class);
    assertThat(summary).isEqualTo(new ReportSummary(MONTH, resized, 320L * 240 + 320 * 240 + 320 * 128 + 320 * 480));
    for (ResizedImage image : resized) {
      assertThat(images.directory().resolve("thumbnails").resolve(image.image())).isRegularFile();
    }

    PublishedReport published = gantry.mapper().treeToValue(publish.result(), PublishedReport.class);
    assertThat(published.images()).isEqualTo(4);
    assertThat(Files.readAllLines(Path.of(published.file())))
        .containsExactly("Report 2026-11: 4 pictures, 348160 thumbnail pixels", "  a.png  320x240", "  b.png  320x240",
            "  c.png  320x128", "  d.png  320x480");
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("report 2026-11: [####################] 100 %  6/6 steps")
        .contains("completed, 6 of 6 steps finished")
        .contains("published " + published.file());
  }

  @Test
  void aBrokenImageCancelsTheReportAndItsPublication() throws Exception {
    ReportOutcome outcome = report(4, 1);

    assertThat(outcome.graph().batch().state()).isEqualTo(BatchState.FAILED);
    List<Job> imageJobs = imageJobs(outcome.enqueued(), 4);
    assertThat(imageJobs).extracting(Job::state)
        .containsExactly(JobState.COMPLETED, JobState.COMPLETED, JobState.COMPLETED, JobState.DEAD);
    assertThat(imageJobs.get(3).attempt()).as("a permanent failure is not retried").isEqualTo(1);
    assertThat(imageJobs.get(3).errors().getLast().message()).isEqualTo("d.png is not an image ImageIO can read");

    Job report = job(outcome.enqueued().step(ReportWorkflow.REPORT));
    Job publish = job(outcome.enqueued().step(ReportWorkflow.PUBLISH));
    assertThat(report.state()).isEqualTo(JobState.CANCELLED);
    assertThat(publish.state()).isEqualTo(JobState.CANCELLED);
    assertThat(report.attempt()).as("the report never ran").isZero();
    assertThat(publish.attempt()).as("nor did its publication").isZero();
    assertThat(step(outcome.graph(), "report").state()).isEqualTo(JobState.CANCELLED);
    assertThat(step(outcome.graph(), "publish").state()).isEqualTo(JobState.CANCELLED);
    assertThat(images.directory().resolve("reports")).doesNotExist();

    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("6/6 steps, 1 failed, 2 cancelled")
        .contains("-> d.png is not an image ImageIO can read")
        .contains("-> dependency resize-4 ended dead")
        .contains("-> dependency report ended cancelled")
        .contains("report 2026-11 not published: its publish step is cancelled");
  }
}
