package dev.gantry.examples.upload;

import dev.gantry.batch.Batch;
import java.util.List;
import java.util.UUID;

/**
 * How an upload went, as {@link UploadFlow#run} saw it.
 *
 * @param fileJobs the {@code upload.file} job of each file, in the order the files were given
 * @param progressLines the progress bar as drawn, one line per change seen
 * @param batch the batch as it finished
 * @param upload the {@code uploads} row as the completion callback left it
 */
public record UploadOutcome(UUID batchId, List<UUID> fileJobs, List<String> progressLines, Batch batch,
    Upload upload) {
  public UploadOutcome {
    fileJobs = List.copyOf(fileJobs);
    progressLines = List.copyOf(progressLines);
  }
}
