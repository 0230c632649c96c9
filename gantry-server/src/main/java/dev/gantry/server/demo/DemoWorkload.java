package dev.gantry.server.demo;

import dev.gantry.enqueue.JobOptions;
import dev.gantry.enqueue.JobRequest;
import dev.gantry.job.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The jobs a demo run enqueues, each with the final state it should reach. Mostly quick jobs that
 * succeed, plus a few of each interesting case:
 *
 * <ul>
 *   <li>about 4 % fail once or twice, then succeed on a retry;
 *   <li>about 2 % are delayed by two to three seconds;
 *   <li>one snoozes once, then succeeds;
 *   <li>two end dead: a declined card (permanent failure) and a sync that runs out of attempts;
 *   <li>two end cancelled: an email cancelled while still queued, and a long report cancelled while running.
 * </ul>
 *
 * The order is shuffled with a fixed seed, so every run is the same.
 */
public final class DemoWorkload {
  /** How often (in percent of all jobs) the first attempts fail before a retry succeeds. */
  static final int FLAKY_PERCENT = 4;
  static final int DELAYED_PERCENT = 2;
  /** Attempts of the inventory sync, which always fails. */
  static final int SYNC_ATTEMPTS = 3;

  /** One job to enqueue and the state it should end in. */
  public record PlannedJob(JobRequest request, JobState expected, Role role) {}

  /** What a job is there to show. */
  public enum Role {
    QUICK,
    FLAKY,
    DELAYED,
    SNOOZING,
    FAILS_PERMANENTLY,
    RUNS_OUT_OF_ATTEMPTS,
    CANCELLED_WHILE_QUEUED,
    CANCELLED_WHILE_RUNNING
  }

  private final List<PlannedJob> jobs;

  private DemoWorkload(List<PlannedJob> jobs) {
    this.jobs = List.copyOf(jobs);
  }

  /** A workload of exactly {@code total} jobs (at least {@link DemoSettings#MIN_JOBS}). */
  public static DemoWorkload of(int total) {
    if (total < DemoSettings.MIN_JOBS) {
      throw new IllegalArgumentException("a demo workload needs at least " + DemoSettings.MIN_JOBS + " jobs, got " + total);
    }
    Random random = new Random(42);
    JobOptions defaults = JobOptions.defaults().withQueue(DemoJobs.DEFAULT_QUEUE).withTags("demo");
    List<PlannedJob> jobs = new ArrayList<>(total);

    jobs.add(new PlannedJob(JobRequest.of(DemoJobs.BUILD_REPORT, new DemoJobs.ReportArgs(300),
        defaults.withQueue(DemoJobs.REPORTS_QUEUE)), JobState.CANCELLED, Role.CANCELLED_WHILE_RUNNING));
    jobs.add(new PlannedJob(JobRequest.of(DemoJobs.SEND_EMAIL, new DemoJobs.EmailArgs("unsubscribed@example.com", 0, 10),
        defaults), JobState.CANCELLED, Role.CANCELLED_WHILE_QUEUED));
    jobs.add(new PlannedJob(JobRequest.of(DemoJobs.CHARGE_CARD, new DemoJobs.ChargeArgs("customer-17", 4_999, true),
        defaults), JobState.DEAD, Role.FAILS_PERMANENTLY));
    jobs.add(new PlannedJob(JobRequest.of(DemoJobs.SYNC_INVENTORY, new DemoJobs.SyncArgs("acme-supplies"),
        defaults.withMaxAttempts(SYNC_ATTEMPTS)), JobState.DEAD, Role.RUNS_OUT_OF_ATTEMPTS));
    jobs.add(new PlannedJob(JobRequest.of(DemoJobs.EXPORT_CSV, new DemoJobs.ExportArgs("orders"), defaults),
        JobState.COMPLETED, Role.SNOOZING));

    int flaky = Math.max(1, total * FLAKY_PERCENT / 100);
    for (int i = 0; i < flaky; i++) {
      DemoJobs.EmailArgs args = new DemoJobs.EmailArgs("flaky" + i + "@example.com", 1 + i % 2, 5 + random.nextInt(20));
      jobs.add(new PlannedJob(JobRequest.of(DemoJobs.SEND_EMAIL, args, defaults), JobState.COMPLETED, Role.FLAKY));
    }
    int delayed = Math.max(1, total * DELAYED_PERCENT / 100);
    for (int i = 0; i < delayed; i++) {
      Duration delay = Duration.ofMillis(2_000 + random.nextInt(1_000));
      jobs.add(new PlannedJob(JobRequest.of(DemoJobs.SEND_REMINDER, new DemoJobs.ReminderArgs("later" + i + "@example.com"),
          defaults.withDelay(delay)), JobState.COMPLETED, Role.DELAYED));
    }
    for (int i = 0; jobs.size() < total; i++) {
      int work = 5 + random.nextInt(36);
      JobRequest request = i % 2 == 0
          ? JobRequest.of(DemoJobs.RESIZE_IMAGE, new DemoJobs.ImageArgs("photo-" + i + ".jpg", work), defaults)
          : JobRequest.of(DemoJobs.SEND_EMAIL, new DemoJobs.EmailArgs("user" + i + "@example.com", 0, work), defaults);
      jobs.add(new PlannedJob(request, JobState.COMPLETED, Role.QUICK));
    }
    Collections.shuffle(jobs, random);
    return new DemoWorkload(jobs);
  }

  public List<PlannedJob> jobs() {
    return jobs;
  }

  public List<JobRequest> requests() {
    return jobs.stream().map(PlannedJob::request).toList();
  }

  /** How many jobs should end in each final state. */
  public Map<JobState, Long> expectedFinalStates() {
    Map<JobState, Long> expected = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      if (state.isFinished()) {
        expected.put(state, 0L);
      }
    }
    jobs.forEach(j -> expected.merge(j.expected(), 1L, Long::sum));
    return expected;
  }

  /** Position of the one job with this role (the cancelled ones). */
  public int indexOf(Role role) {
    for (int i = 0; i < jobs.size(); i++) {
      if (jobs.get(i).role() == role) {
        return i;
      }
    }
    throw new IllegalArgumentException("no job with role " + role);
  }

  /** How many jobs have this role. */
  public long count(Role role) {
    return jobs.stream().filter(j -> j.role() == role).count();
  }
}
