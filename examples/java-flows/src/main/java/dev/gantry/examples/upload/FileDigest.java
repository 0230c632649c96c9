package dev.gantry.examples.upload;

/**
 * What {@link FileHasher} stored for one file: the {@code upload.file} job's result.
 *
 * @param file the file's name
 * @param bytes its size
 * @param sha256 its SHA-256, in lowercase hex
 */
public record FileDigest(String file, long bytes, String sha256) {}
