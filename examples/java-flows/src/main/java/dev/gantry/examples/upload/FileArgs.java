package dev.gantry.examples.upload;

/**
 * The arguments of an {@code upload.file} job.
 *
 * @param path the uploaded file, absolute (workers read it where the upload put it)
 */
public record FileArgs(String path) {}
