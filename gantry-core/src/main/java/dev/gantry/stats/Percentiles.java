package dev.gantry.stats;

/** The 50th, 95th and 99th percentile of a duration, in milliseconds (interpolated, so fractional). */
public record Percentiles(double p50Ms, double p95Ms, double p99Ms) {}
