package dev.gantry.examples.report;

/**
 * The arguments of an {@code image.resize} job.
 *
 * @param image the picture's file name, in the directory the workers read pictures from
 */
public record ResizeArgs(String image) {}
