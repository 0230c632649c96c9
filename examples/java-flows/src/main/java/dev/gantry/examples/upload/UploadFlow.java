package dev.gantry.examples.upload;

import dev.gantry.Gantry;
import dev.gantry.batch.Batch;
import dev.gantry.batch.BatchOptions;
import dev.gantry.batch.BatchResult;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.examples.support.BatchCompletion;
import dev.gantry.examples.support.ProgressBar;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * One multi-file upload, end to end: the upload row and one {@code upload.file} job per file are
 * written in one transaction (as one Gantry batch whose completion callback is
 * {@code upload.finish}), a progress bar follows the batch as its jobs finish, and the flow ends
 * when the callback has marked the upload finished. The jobs run on whatever workers serve the
 * {@code default} queue ({@link UploadWorker}).
 */
public final class UploadFlow {
  private static final int BAR_WIDTH = 20;

  private final Gantry gantry;
  private final DataSource dataSource;
  private final Uploads uploads;
  private final FinishedUploads finished;
  private final PrintStream out;

  /**
   * @param dataSource the database of Gantry's schema and of the {@code uploads} table
   * @param out where the progress bar is drawn
   */
  public UploadFlow(Gantry gantry, DataSource dataSource, Uploads uploads, FinishedUploads finished,
      PrintStream out) {
    this.gantry = gantry;
    this.dataSource = dataSource;
    this.uploads = uploads;
    this.finished = finished;
    this.out = out;
  }

  /**
   * Uploads the files and waits until the upload is marked finished.
   *
   * @throws TimeoutException if the batch or its callback did not finish within {@code timeout}
   */
  public UploadOutcome run(List<Path> files, Duration timeout)
      throws SQLException, InterruptedException, TimeoutException, ExecutionException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    String uploadId = "u-" + UUID.randomUUID().toString().substring(0, 8);
    BatchResult batch = start(uploadId, files);
    List<UUID> fileJobs = batch.jobs().stream().map(EnqueueResult::id).toList();
    try {
      ProgressBar bar = new ProgressBar("upload " + uploadId, "files", BAR_WIDTH);
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      Batch last = BatchCompletion.await(gantry.batches(), batch.batchId(), remaining(deadline), b -> {
        String line = bar.render(b);
        // A change of the running count alone draws the same bar: show it once.
        if (lines.isEmpty() || !lines.getLast().equals(line)) {
          lines.add(line);
          out.println(line);
        }
      });
      Upload upload;
      try {
        upload = finished.of(uploadId).get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new TimeoutException("upload " + uploadId + ": its batch finished, but the " + UploadFinisher.KIND
            + " callback did not mark it finished within " + timeout);
      }
      out.println("upload " + uploadId + ": " + upload.status().dbName() + ", " + upload.stored() + " of "
          + upload.files() + " files stored" + (upload.failed() == 0 ? "" : ", " + upload.failed() + " failed")
          + String.format(Locale.ROOT, " (%.2f s)", (System.nanoTime() - started) / 1e9));
      if (upload.failed() > 0) {
        printFailures(fileJobs);
      }
      return new UploadOutcome(batch.batchId(), fileJobs, lines, last, upload);
    } finally {
      finished.forget(uploadId);
    }
  }

  /** Names each file that was not stored, with the reason its job recorded. */
  private void printFailures(List<UUID> fileJobs) {
    for (UUID id : fileJobs) {
      Job job = gantry.job(id).orElseThrow(() -> new IllegalStateException("file job " + id + " is gone"));
      if (job.state() != JobState.COMPLETED) {
        String reason = job.errors().isEmpty() ? "no error recorded" : job.errors().getLast().message();
        out.println("  " + Path.of(job.args().path("path").asText()).getFileName() + " " + job.state().dbName()
            + ": " + reason);
      }
    }
  }

  /** Records the upload and enqueues its batch, both or neither. */
  private BatchResult start(String uploadId, List<Path> files) throws SQLException {
    List<JobRequest> jobs = files.stream()
        .map(f -> JobRequest.of(FileHasher.KIND, new FileArgs(f.toAbsolutePath().toString())))
        .toList();
    BatchOptions options = BatchOptions.defaults()
        .withMetadata(Map.of("upload", uploadId))
        .onComplete(JobRequest.of(UploadFinisher.KIND, new FinishArgs(uploadId)));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        BatchResult batch = gantry.batches().enqueue(c, jobs, options);
        uploads.insert(c, uploadId, batch.batchId(), files.size());
        c.commit();
        return batch;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}
