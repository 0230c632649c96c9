package dev.gantry.examples.report;

import dev.gantry.Gantry;
import dev.gantry.worker.Worker;
import java.nio.file.Path;

/** Starts a worker node that runs the report workflow's three kinds of job on the {@code default} queue. */
public final class ReportWorker {
  private static final int THUMBNAIL_WIDTH = 320;

  private ReportWorker() {}

  /**
   * @param pictures where the pictures are; thumbnails go to its {@code thumbnails} folder and
   *     reports to its {@code reports} folder
   * @param concurrency jobs run at once on this node
   */
  public static Worker start(Gantry gantry, Path pictures, int concurrency) {
    return gantry.worker()
        .queue("default", concurrency)
        .handler(ImageResizer.KIND, ResizeArgs.class,
            new ImageResizer(pictures, pictures.resolve("thumbnails"), THUMBNAIL_WIDTH))
        .handler(ReportBuilder.KIND, MonthArgs.class, new ReportBuilder(gantry.mapper()))
        .handler(ReportPublisher.KIND, MonthArgs.class, new ReportPublisher(gantry.mapper(), pictures.resolve("reports")))
        .start();
  }
}
