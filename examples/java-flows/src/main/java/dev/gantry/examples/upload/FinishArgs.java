package dev.gantry.examples.upload;

/**
 * The arguments of the {@code upload.finish} callback job.
 *
 * @param upload the upload's id
 */
public record FinishArgs(String upload) {}
