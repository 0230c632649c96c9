package dev.gantry.server.http;

/**
 * One thing wrong with a request, in a problem's {@code errors} array.
 *
 * @param field where, as a path into the request: {@code priority}, {@code jobs[3].tags[0]}, or a
 *     query parameter or header name
 * @param message what is wrong and what would be right
 */
public record FieldError(String field, String message) {}
