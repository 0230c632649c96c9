package dev.gantry.server.demo;

import dev.gantry.Gantry;
import dev.gantry.GantryException;
import dev.gantry.enqueue.EnqueueResult;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.events.JobEvent;
import dev.gantry.job.CancelResult;
import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;
import dev.gantry.server.demo.DemoWorkload.Role;
import dev.gantry.worker.Worker;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * One run of the demo: resets the demo schema, enqueues the {@link DemoWorkload}, cancels one job
 * while it is queued, starts a worker in this process, cancels the long report once it runs, and
 * prints the counts per state every half second until every job has finished. Returns a
 * {@link DemoReport}; printing it is up to the caller.
 */
public final class DemoRun {
  /** How often the live line is printed. */
  private static final Duration PRINT_INTERVAL = Duration.ofMillis(500);
  /** How often the counts are read; finer than the printing so the run time is measured closely. */
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(100);
  /** Jobs per enqueueAll call: one statement each, a few thousand at a time is comfortable. */
  private static final int ENQUEUE_BATCH = 2_000;
  private static final int LISTED_JOBS = 10;

  private final DataSource dataSource;
  private final DemoSettings settings;
  private final PrintWriter out;

  public DemoRun(DataSource dataSource, DemoSettings settings, PrintWriter out) {
    this.dataSource = dataSource;
    this.settings = settings;
    this.out = out;
  }

  /**
   * Runs the demo to the end, or until the settings' timeout passes.
   *
   * @throws GantryException if the database fails
   */
  public DemoReport run() throws InterruptedException {
    long start = System.nanoTime();
    resetSchema();
    DemoWorkload workload = DemoWorkload.of(settings.jobs());
    EventCounter events = new EventCounter();
    DemoJobs demoJobs = new DemoJobs();
    try (Gantry gantry = Gantry.builder(dataSource).schema(settings.schema()).listener(events).build()) {
      long enqueueStart = System.nanoTime();
      List<EnqueueResult> enqueued = enqueue(gantry, workload.requests());
      Duration enqueueTime = since(enqueueStart);
      say("Enqueued %d jobs in %d ms into schema %s: %d quick, %d that fail before succeeding, %d delayed by 2-3 s,"
              + " %d that snoozes, %d that will end dead, %d to cancel",
          enqueued.size(), enqueueTime.toMillis(), settings.schema(), workload.count(Role.QUICK),
          workload.count(Role.FLAKY), workload.count(Role.DELAYED), workload.count(Role.SNOOZING),
          workload.count(Role.FAILS_PERMANENTLY) + workload.count(Role.RUNS_OUT_OF_ATTEMPTS),
          workload.count(Role.CANCELLED_WHILE_QUEUED) + workload.count(Role.CANCELLED_WHILE_RUNNING));

      // Cancelled before any worker runs, so it is certainly still queued.
      CancelResult queuedCancel = gantry.cancel(enqueued.get(workload.indexOf(Role.CANCELLED_WHILE_QUEUED)).id());
      say("Cancelled a queued email: %s", queuedCancel);

      long runStart = System.nanoTime();
      CancelResult runningCancel;
      StateCounts last;
      Duration runTime;
      try (Worker worker = demoJobs.register(gantry.worker()
              .queue(DemoJobs.DEFAULT_QUEUE, settings.concurrency())
              .queue(DemoJobs.REPORTS_QUEUE, 1)
              .stageInterval(CHECK_INTERVAL) // delayed jobs and retries start promptly when due
              .shutdownTimeout(Duration.ofSeconds(5)))
          .start()) {
        say("Worker %s started: queue %s runs %d jobs at a time, queue %s one",
            worker.workerId(), DemoJobs.DEFAULT_QUEUE, settings.concurrency(), DemoJobs.REPORTS_QUEUE);
        long deadline = runStart + settings.timeout().toNanos();
        runningCancel = cancelReportOnceRunning(gantry, demoJobs, deadline);
        last = watchUntilFinished(gantry, runStart, deadline);
        runTime = since(runStart);
      }
      // Closing the worker wrote every outcome and fired every event, so the event counts are final.
      DemoReport.EventCounts eventCounts = new DemoReport.EventCounts(
          events.count(JobEvent.Started.class), events.count(JobEvent.Completed.class),
          events.count(JobEvent.Failed.class), events.count(JobEvent.Dead.class),
          events.count(JobEvent.Cancelled.class), events.count(JobEvent.Snoozed.class));
      List<Job> notable = new ArrayList<>(gantry.jobs(JobFilter.all().withState(JobState.DEAD).withLimit(LISTED_JOBS)).jobs());
      notable.addAll(gantry.jobs(JobFilter.all().withState(JobState.CANCELLED).withLimit(LISTED_JOBS)).jobs());
      StateCounts finalCounts = last.unfinished() == 0 ? last : StateCounts.of(gantry.queueCounts());
      return new DemoReport(settings.jobs(), workload.expectedFinalStates(), finalCounts, enqueueTime, runTime,
          since(start), eventCounts, queuedCancel, runningCancel, notable);
    }
  }

  /**
   * Drops the demo schema so that every run starts empty; {@code Gantry.builder(...).build()}
   * creates it again. {@link DemoSettings} makes sure the name is a demo schema's.
   */
  private void resetSchema() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + settings.schema() + " CASCADE");
    } catch (SQLException e) {
      throw new GantryException("resetting the demo schema " + settings.schema() + " failed: " + e.getMessage(), e);
    }
  }

  private static List<EnqueueResult> enqueue(Gantry gantry, List<JobRequest> requests) {
    List<EnqueueResult> results = new ArrayList<>(requests.size());
    for (int from = 0; from < requests.size(); from += ENQUEUE_BATCH) {
      results.addAll(gantry.enqueueAll(requests.subList(from, Math.min(requests.size(), from + ENQUEUE_BATCH))));
    }
    return results;
  }

  /** Waits for the report's handler to start, then cancels it: the worker interrupts the handler. */
  private CancelResult cancelReportOnceRunning(Gantry gantry, DemoJobs demoJobs, long deadline) throws InterruptedException {
    UUID reportId;
    try {
      reportId = demoJobs.reportStarted().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      say("The report never started; not cancelling it");
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the report's start was not signalled", e.getCause());
    }
    CancelResult result = gantry.cancel(reportId);
    say("Cancelled the running report: %s", result);
    return result;
  }

  /** Prints the counts per state every {@link #PRINT_INTERVAL} until every job has finished or the deadline passes. */
  private StateCounts watchUntilFinished(Gantry gantry, long runStart, long deadline) throws InterruptedException {
    long nextPrint = System.nanoTime();
    while (true) {
      StateCounts counts = StateCounts.of(gantry.queueCounts());
      boolean done = counts.unfinished() == 0 && counts.finished() >= settings.jobs();
      boolean late = System.nanoTime() > deadline;
      if (done || late || System.nanoTime() >= nextPrint) {
        say("%5.1fs  %s", since(runStart).toMillis() / 1000.0, counts.line());
        nextPrint += PRINT_INTERVAL.toNanos();
      }
      if (done) {
        return counts;
      }
      if (late) {
        say("Gave up waiting after %d s: %d jobs have not finished", settings.timeout().toSeconds(), counts.unfinished());
        return counts;
      }
      Thread.sleep(CHECK_INTERVAL.toMillis());
    }
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
