package dev.gantry.job;

import java.time.Instant;

/**
 * One failed attempt, as recorded on the job.
 *
 * @param attempt the attempt that failed (1 is the first)
 * @param at when the failure was recorded, by the database clock
 * @param errorClass the exception's class name
 * @param message the exception's message (may be null)
 * @param stackTrace the full stack trace, causes included
 */
public record JobError(int attempt, Instant at, String errorClass, String message, String stackTrace) {}
