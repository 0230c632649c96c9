package dev.gantry.examples.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.worker.JobContext;
import dev.gantry.worker.JobHandler;
import dev.gantry.workflow.DependencyResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code report.publish}: writes the report that {@code report.build} returned to a text
 * file, {@code report-<month>.txt}. The workflow runs it only after the report completed.
 */
public final class ReportPublisher implements JobHandler<MonthArgs> {
  public static final String KIND = "report.publish";

  private final ObjectMapper mapper;
  private final Path directory;

  /**
   * @param mapper reads the report job's JSON result
   * @param directory where reports are published
   */
  public ReportPublisher(ObjectMapper mapper, Path directory) {
    this.mapper = mapper;
    this.directory = directory;
  }

  @Override
  public PublishedReport handle(MonthArgs args, JobContext ctx) throws Exception {
    DependencyResult built = ctx.dependencies().stream()
        .filter(d -> ReportBuilder.KIND.equals(d.kind()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("job " + ctx.jobId() + " does not depend on a "
            + ReportBuilder.KIND + " job: there is no report to publish"));
    ReportSummary report = mapper.treeToValue(built.result(), ReportSummary.class);
    List<String> lines = new ArrayList<>();
    lines.add("Report " + report.month() + ": " + report.images().size() + " pictures, "
        + report.thumbnailPixels() + " thumbnail pixels");
    for (ResizedImage image : report.images()) {
      lines.add("  " + image.image() + "  " + image.width() + "x" + image.height());
    }
    Files.createDirectories(directory);
    Path file = Files.write(directory.resolve("report-" + report.month() + ".txt"), lines, StandardCharsets.UTF_8);
    return new PublishedReport(report.month(), file.toString(), report.images().size());
  }
}
