package dev.gantry.examples.upload;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the application's {@code uploads} table.
 *
 * @param batchId the Gantry batch storing its files
 * @param files how many files were uploaded
 * @param stored files stored, once finished (null before)
 * @param failed files that could not be stored, once finished (null before)
 * @param finishedAt when the completion callback marked it finished (null before)
 */
public record Upload(String id, UUID batchId, UploadStatus status, int files, Integer stored, Integer failed,
    Instant createdAt, Instant finishedAt) {}
