package dev.gantry.examples.report;

import dev.gantry.enqueue.JobRequest;
import dev.gantry.workflow.Dependency;
import dev.gantry.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The monthly report as a workflow: one {@code image.resize} step per picture
 * ({@code resize-1}, {@code resize-2} ...), a {@code report} step that depends on all of them,
 * and a {@code publish} step that depends on the report. Every edge keeps Gantry's default: a
 * dependency that ends dead or cancelled cancels the steps after it, so a report never goes out
 * with a picture missing.
 */
public final class ReportWorkflow {
  public static final String REPORT = "report";
  public static final String PUBLISH = "publish";

  private ReportWorkflow() {}

  /** The name of the step that resizes the {@code n}th picture, from 1. */
  public static String resizeStep(int n) {
    return "resize-" + n;
  }

  /** @param images the pictures' file names */
  public static Workflow of(String month, List<String> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("a report needs at least one picture");
    }
    Workflow.Builder workflow = Workflow.named("report " + month);
    List<Dependency> allImages = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      String step = resizeStep(i + 1);
      workflow.step(step, JobRequest.of(ImageResizer.KIND, new ResizeArgs(images.get(i))));
      allImages.add(Dependency.on(step));
    }
    return workflow
        .step(REPORT, JobRequest.of(ReportBuilder.KIND, new MonthArgs(month)), allImages)
        .step(PUBLISH, JobRequest.of(ReportPublisher.KIND, new MonthArgs(month)), Dependency.on(REPORT))
        .build();
  }
}
