package dev.gantry.examples.report;

/**
 * The result of an {@code image.resize} job: the thumbnail written for one picture.
 *
 * @param image the picture's file name
 * @param width the thumbnail's width in pixels
 * @param height the thumbnail's height in pixels
 */
public record ResizedImage(String image, int width, int height) {}
