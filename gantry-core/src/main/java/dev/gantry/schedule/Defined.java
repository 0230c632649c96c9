package dev.gantry.schedule;

/**
 * What {@link Schedules#define} did.
 *
 * @param schedule the schedule as stored now
 * @param created true when there was no schedule of that name (in its tenant) before
 * @param changed true when it was created or any of its definition changed; false when it was
 *     defined again exactly as it was (a node starting up with the same schedules)
 */
public record Defined(Schedule schedule, boolean created, boolean changed) {}
