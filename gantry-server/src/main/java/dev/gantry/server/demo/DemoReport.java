package dev.gantry.server.demo;

import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobError;
import dev.gantry.job.JobState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run did: the final state of every job against what was planned, how long it took,
 * and what the event listener saw. {@link #print(PrintWriter)} writes the summary table.
 *
 * @param jobs how many jobs were enqueued
 * @param expected how many jobs should have ended in each final state
 * @param actual the states the jobs were in when the run ended
 * @param enqueueTime how long enqueueing all jobs took
 * @param runTime from the worker's start until every job had finished (or the timeout)
 * @param wallTime the whole run, schema reset included
 * @param events what the job listener counted
 * @param cancelledWhileQueued what cancelling the queued job returned
 * @param cancelledWhileRunning what cancelling the running report returned (null if it never started)
 * @param deadAndCancelled snapshots of the jobs that ended dead or cancelled, for the table
 */
public record DemoReport(
    int jobs,
    Map<JobState, Long> expected,
    StateCounts actual,
    Duration enqueueTime,
    Duration runTime,
    Duration wallTime,
    EventCounts events,
    CancelResult cancelledWhileQueued,
    CancelResult cancelledWhileRunning,
    List<Job> deadAndCancelled) {

  /** Listener event totals: attempts started, attempts that failed and were retried, snoozes. */
  public record EventCounts(long started, long completed, long retried, long dead, long cancelled, long snoozed) {}

  /** True when every job reached the final state planned for it and nothing is left unfinished. */
  public boolean asExpected() {
    return differences().isEmpty();
  }

  /** What differs from the plan, one sentence each; empty when the run went as planned. */
  public List<String> differences() {
    List<String> differences = new ArrayList<>();
    expected.forEach((state, n) -> {
      if (actual.get(state) != n) {
        differences.add(state.dbName() + ": " + actual.get(state) + " jobs, expected " + n);
      }
    });
    if (actual.unfinished() > 0) {
      differences.add(actual.unfinished() + " jobs did not finish in time");
    }
    if (cancelledWhileQueued != CancelResult.CANCELLED) {
      differences.add("cancelling the queued job returned " + cancelledWhileQueued + ", expected CANCELLED");
    }
    if (cancelledWhileRunning != CancelResult.CANCEL_REQUESTED) {
      differences.add("cancelling the running report returned " + cancelledWhileRunning + ", expected CANCEL_REQUESTED");
    }
    return differences;
  }

  /** Finished jobs per second of run time. */
  public double throughput() {
    double seconds = Math.max(runTime.toMillis(), 1) / 1000.0;
    return actual.finished() / seconds;
  }

  /** Writes the summary: final states against the plan, timings, events and the jobs that did not complete. */
  public void print(PrintWriter out) {
    out.println();
    out.printf(Locale.ROOT, "Summary: %d jobs in %s (enqueue %s, run %s), throughput %.0f jobs/s%n",
        jobs, seconds(wallTime), seconds(enqueueTime), seconds(runTime), throughput());
    out.println();
    out.printf(Locale.ROOT, "  %-12s %8s %9s%n", "final state", "jobs", "expected");
    for (Map.Entry<JobState, Long> e : expected.entrySet()) {
      out.printf(Locale.ROOT, "  %-12s %8d %9d%n", e.getKey().dbName(), actual.get(e.getKey()), e.getValue());
    }
    out.printf(Locale.ROOT, "  %-12s %8d %9d%n", "unfinished", actual.unfinished(), 0);
    out.printf(Locale.ROOT, "  %-12s %8d %9d%n", "total", actual.finished() + actual.unfinished(), jobs);
    out.println();
    out.printf(Locale.ROOT, "  Events: %d attempts started, %d completed, %d failed and retried, %d snoozed, %d dead, %d cancelled%n",
        events.started(), events.completed(), events.retried(), events.snoozed(), events.dead(), events.cancelled());
    if (!deadAndCancelled.isEmpty()) {
      out.println();
      out.println("  Jobs that did not complete:");
      for (Job job : deadAndCancelled) {
        out.printf(Locale.ROOT, "    %-10s %-20s %s%n", job.state().dbName(), job.kind(), why(job));
      }
    }
    out.println();
    if (asExpected()) {
      out.println("All " + jobs + " jobs reached their expected final state.");
    } else {
      out.println("Not as expected: " + String.join("; ", differences()));
    }
    out.flush();
  }

  private static String why(Job job) {
    if (job.state() == JobState.CANCELLED) {
      if (job.attempt() == 0) {
        return "cancelled before it ran";
      }
      String progress = job.progressPercent() == null ? "" : ", at " + job.progressPercent() + "% (" + job.progressMessage() + ")";
      return "cancelled while running attempt " + job.attempt() + progress;
    }
    String attempts = "after " + job.attempt() + (job.attempt() == 1 ? " attempt" : " attempts");
    if (job.errors().isEmpty()) {
      return attempts;
    }
    JobError last = job.errors().get(job.errors().size() - 1);
    return attempts + ": " + last.message();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
