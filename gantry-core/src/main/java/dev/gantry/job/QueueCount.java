package dev.gantry.job;

/** How many jobs of one queue are in one state. */
public record QueueCount(String queue, JobState state, long count) {}
