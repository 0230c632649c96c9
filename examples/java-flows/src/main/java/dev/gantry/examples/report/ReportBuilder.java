package dev.gantry.examples.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.job.JobState;
import dev.gantry.worker.JobContext;
import dev.gantry.worker.JobHandler;
import dev.gantry.workflow.DependencyResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code report.build}: the month's report, made from the results of the image jobs it
 * depends on. The workflow runs it only once every one of them has completed.
 */
public final class ReportBuilder implements JobHandler<MonthArgs> {
  public static final String KIND = "report.build";

  private final ObjectMapper mapper;

  /** @param mapper reads the image jobs' JSON results (Gantry's own: {@code gantry.mapper()}) */
  public ReportBuilder(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public ReportSummary handle(MonthArgs args, JobContext ctx) throws Exception {
    List<ResizedImage> images = new ArrayList<>();
    for (DependencyResult dependency : ctx.dependencies()) {
      if (!ImageResizer.KIND.equals(dependency.kind())) {
        continue;
      }
      if (dependency.state() != JobState.COMPLETED) {
        // Only an edge made with runAnyway() lets this run with an image missing; this workflow has none.
        throw new IllegalStateException("image step " + dependency.step() + " is " + dependency.state()
            + ": the report needs all of its images");
      }
      images.add(mapper.treeToValue(dependency.result(), ResizedImage.class));
    }
    long pixels = images.stream().mapToLong(i -> (long) i.width() * i.height()).sum();
    return new ReportSummary(args.month(), images, pixels);
  }
}
