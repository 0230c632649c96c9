package dev.gantry.examples.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.batch.Batch;
import dev.gantry.batch.Batches;
import dev.gantry.worker.JobContext;
import dev.gantry.worker.JobHandler;
import dev.gantry.worker.PermanentFailure;
import java.util.UUID;

/**
 * Runs {@code upload.finish}, the upload batch's completion callback: Gantry enqueues it once,
 * when the last file job has finished however it ended. It reads the batch's final counts and
 * marks the upload {@code done}, or {@code done_with_errors} when some file could not be stored.
 */
public final class UploadFinisher implements JobHandler<FinishArgs> {
  public static final String KIND = "upload.finish";

  private final Batches batches;
  private final Uploads uploads;
  private final FinishedUploads finished;

  public UploadFinisher(Batches batches, Uploads uploads, FinishedUploads finished) {
    this.batches = batches;
    this.uploads = uploads;
    this.finished = finished;
  }

  @Override
  public Upload handle(FinishArgs args, JobContext ctx) throws Exception {
    JsonNode batchId = ctx.metadata() == null ? null : ctx.metadata().get("batch_id");
    if (batchId == null) {
      throw new PermanentFailure(KIND + " runs as a batch callback, and job " + ctx.jobId()
          + " has no batch_id in its metadata");
    }
    UUID id = UUID.fromString(batchId.asText());
    Batch batch = batches.get(id).orElseThrow(() -> new PermanentFailure("batch " + id + " of upload "
        + args.upload() + " does not exist"));
    if (!batch.state().isFinished()) {
      // Gantry enqueues the callback only once the batch has finished; anything else is a bug worth retrying past.
      throw new IllegalStateException("batch " + id + " is " + batch.state() + ", not finished");
    }
    int notStored = batch.dead() + batch.cancelled();
    UploadStatus status = notStored == 0 ? UploadStatus.DONE : UploadStatus.DONE_WITH_ERRORS;
    Upload upload = uploads.finish(args.upload(), id, status, batch.completed(), notStored);
    finished.finished(upload);
    return upload;
  }
}
