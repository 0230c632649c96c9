package dev.gantry.job;

import java.util.List;
import java.util.UUID;

/** One page of a listing; {@code nextCursor} is null on the last page. */
public record JobPage(List<Job> jobs, UUID nextCursor) {}
