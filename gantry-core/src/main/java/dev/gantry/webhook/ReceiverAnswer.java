package dev.gantry.webhook;

/**
 * What a receiver answered, as far as the delivery's outcome needs it.
 *
 * @param location the {@code Location} header of a redirect, or null
 * @param retryAfter the {@code Retry-After} header, or null
 * @param bodyStart the first few hundred bytes of an error answer's body as text, or null
 */
record ReceiverAnswer(int statusCode, String location, String retryAfter, String bodyStart) {}
