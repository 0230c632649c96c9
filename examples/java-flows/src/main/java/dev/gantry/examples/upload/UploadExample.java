package dev.gantry.examples.upload;

import dev.gantry.Gantry;
import dev.gantry.examples.support.ExampleArguments;
import dev.gantry.examples.support.ExampleDatabase;
import dev.gantry.worker.Worker;
import java.time.Duration;
import java.util.Set;

/**
 * Runs the upload flow once ({@link UploadFlow}) against an embedded PostgreSQL, or the one named
 * by {@code GANTRY_DATABASE_URL}, with a worker in this process.
 *
 * <pre>
 * --files=N    files in the upload (default 40)
 * --broken=N   how many of them are empty, and fail for good (default 0)
 * --store-ms=N how long storing one file takes, in milliseconds (default 100)
 * </pre>
 *
 * Exits with 0 once the upload is marked finished, whether done or done with errors.
 */
public final class UploadExample {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private UploadExample() {}

  public static void main(String[] args) throws Exception {
    ExampleArguments arguments = ExampleArguments.parse(args, Set.of("files", "broken", "store-ms"));
    try (ExampleDatabase db = ExampleDatabase.fromEnvironment(10);
        Gantry gantry = Gantry.builder(db.dataSource()).build();
        SampleFiles files = SampleFiles.create(arguments.get("files", 40), arguments.get("broken", 0))) {
      System.out.println("database: " + db.description() + ", Gantry schema " + gantry.schema());
      Uploads uploads = new Uploads(db.dataSource());
      uploads.createTable();
      FinishedUploads finished = new FinishedUploads();
      System.out.println("uploading " + files.files().size() + " files from " + files.directory());
      Worker worker = UploadWorker.start(gantry, uploads, finished, 4, arguments.get("store-ms", 100));
      try {
        new UploadFlow(gantry, db.dataSource(), uploads, finished, System.out).run(files.files(), TIMEOUT);
      } finally {
        worker.close();
      }
    }
  }
}
