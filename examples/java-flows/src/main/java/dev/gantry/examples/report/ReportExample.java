package dev.gantry.examples.report;

import dev.gantry.Gantry;
import dev.gantry.examples.support.ExampleArguments;
import dev.gantry.examples.support.ExampleDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.Set;

/**
 * Runs the monthly report workflow once ({@link ReportFlow}) against an embedded PostgreSQL, or
 * the one named by {@code GANTRY_DATABASE_URL}, with a worker in this process.
 *
 * <pre>
 * --images=N   pictures in the report, 1 to 26 (default 4)
 * --broken=N   how many of them are not images, and fail for good (default 0)
 * </pre>
 *
 * Exits with 0 once every step has finished, whether the report was published or cancelled.
 */
public final class ReportExample {
  private static final String MONTH = "2026-11";
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private ReportExample() {}

  public static void main(String[] args) throws Exception {
    ExampleArguments arguments = ExampleArguments.parse(args, Set.of("images", "broken"));
    try (ExampleDatabase db = ExampleDatabase.fromEnvironment(10);
        Gantry gantry = Gantry.builder(db.dataSource()).build();
        SampleImages images = SampleImages.create(arguments.get("images", 4), arguments.get("broken", 0))) {
      System.out.println("database: " + db.description() + ", Gantry schema " + gantry.schema());
      System.out.println("report " + MONTH + " on " + images.images().size() + " pictures in " + images.directory());
      Worker worker = ReportWorker.start(gantry, images.directory(), 4);
      try {
        new ReportFlow(gantry, System.out).run(MONTH, images.images(), TIMEOUT);
      } finally {
        worker.close();
      }
    }
  }
}
